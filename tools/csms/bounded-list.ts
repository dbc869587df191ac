/** An append-only list that keeps only the newest `limit` items (oldest are dropped first). */
export class BoundedList<T> {
  readonly #limit: number;
  #items: T[] = [];
  #dropped = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.#limit) {
      this.#items.shift();
      this.#dropped++;
    }
  }

  /** Items oldest first (a copy). */
  toArray(): T[] {
    return this.#items.slice();
  }

  get length(): number {
    return this.#items.length;
  }

  /** How many items were dropped to stay within the limit. */
  get dropped(): number {
    return this.#dropped;
  }
}
