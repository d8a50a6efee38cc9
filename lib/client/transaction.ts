import type { Data } from './arguments';
import { Op, type CreateOptions } from './op';
import type { OpResult } from './op-result';

interface MultiRunner {
  multi(ops: readonly Op[]): Promise<OpResult[]>;
}

/**
 * Transaction: a builder over multi. Each step validates its arguments at once (a bad path
 * throws where it was written); commit sends them as one atomic multi.
 */
export class Transaction {
  private readonly ops: Op[] = [];

  constructor(private readonly zk: MultiRunner) {}

  create(path: string, data?: Data, opts?: CreateOptions): this {
    this.ops.push(Op.create(path, data, opts));
    return this;
  }

  delete(path: string, version = -1): this {
    this.ops.push(Op.delete(path, version));
    return this;
  }

  check(path: string, version: number): this {
    this.ops.push(Op.check(path, version));
    return this;
  }

  setData(path: string, data: Data, version = -1): this {
    this.ops.push(Op.setData(path, data, version));
    return this;
  }

  get size(): number {
    return this.ops.length;
  }

  commit(): Promise<OpResult[]> {
    return this.zk.multi(this.ops);
  }
}
