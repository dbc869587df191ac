// Lint inside `npm test` (docs/CONVENTIONS.md): typed rules over every TypeScript file. Files the
// Node typecheck leaves out (the Moddable platform, the ESP32 drivers, main) are typed by the
// Moddable project. Import cycles are checked by tests/platform/boundaries.test.ts.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "modules/ocpp/generated/**", "build/**", ".cache/**", "tmp/**"] },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { project: ["./tsconfig.json", "./tsconfig.moddable.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
);
