/** BufferStats of the proposals' sizes (srvr's "Proposal sizes last/min/max"). */
export class BufferStats {
  last = -1;
  min = -1;
  max = -1;
  set(n: number): void {
    this.last = n;
    if (this.min === -1 || n < this.min) this.min = n;
    if (this.max === -1 || n > this.max) this.max = n;
  }
  reset(): void {
    this.last = this.min = this.max = -1;
  }
  toString(): string {
    return `${this.last}/${this.min}/${this.max}`;
  }
}
