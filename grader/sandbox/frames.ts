/**
 * The byte stream between the grader and a sandbox child, cut into frames: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. Used on both sides. The reader is the parent's first defence
 * against a hostile child: it never holds more than one frame's cap, refuses a frame announced over the
 * cap before reading it, and counts every byte against a budget for the whole submission, so no
 * sequence of bytes can make the grader throw, hang or run out of memory; what it returns is still only
 * `unknown` JSON, for replies.ts to validate.
 */

const HEADER_BYTES = 4;

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Why a stream of frames was refused: said to the student as what the sandbox did wrong. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/** A shared allowance of bytes (one per submission, across its sandboxes). */
export interface ByteBudget {
  left: number;
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: FrameError | undefined;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly budget: ByteBudget,
  ) {}

  /**
   * Takes bytes as they arrive; returns the frames completed so far, parsed. Throws FrameError when the
   * stream breaks the rules (then every later call throws the same error).
   */
  push(chunk: Buffer): unknown[] {
    if (this.failed) throw this.failed;
    try {
      this.budget.left -= chunk.length;
      if (this.budget.left < 0) throw new FrameError("it sent more data than a whole submission may");
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      const frames: unknown[] = [];
      for (;;) {
        if (this.buffered < HEADER_BYTES) break;
        const head = this.peek(HEADER_BYTES);
        const length = head.readUInt32BE(0);
        if (length > this.maxFrameBytes) throw new FrameError(`it sent a message of ${length} bytes, over the limit of ${this.maxFrameBytes}`);
        if (this.buffered < HEADER_BYTES + length) break;
        const frame = this.take(HEADER_BYTES + length).subarray(HEADER_BYTES);
        let parsed: unknown;
        try {
          parsed = JSON.parse(frame.toString("utf8"));
        } catch {
          throw new FrameError("it sent a message that is not JSON");
        }
        frames.push(parsed);
      }
      return frames;
    } catch (error) {
      this.failed = error instanceof FrameError ? error : new FrameError(String(error));
      this.chunks = [];
      throw this.failed;
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
