// Checked against $MODDABLE/typings/embedded_io/socket/tcp.d.ts, udp.d.ts and
// $MODDABLE/typings/embedded_network/dns/resolver/udp.d.ts (Moddable SDK 8.2.3).
// Declared only as far as we pass the classes on to the WebSocket client.
declare module "embedded:io/socket/tcp" {
	/** ECMA-419 TCP client socket (we hand the class to the WebSocket client as `socket.io`). */
	export default class TCP {
		constructor(options: never);
		close(): void;
	}
}

declare module "embedded:io/socket/udp" {
	/** ECMA-419 UDP socket (the DNS resolver's transport). */
	export default class UDP {
		constructor(options: never);
		close(): void;
	}
}

declare module "embedded:network/dns/resolver/udp" {
	/** ECMA-419 DNS resolver over UDP (the WebSocket client's `dns.io`). */
	export default class Resolver {
		constructor(options: never);
		close(): void;
	}
}
