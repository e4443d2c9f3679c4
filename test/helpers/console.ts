/** Removes terminal colour codes (the public tests colour their verdicts). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Runs `body` with console.log/error captured instead of printed; returns what was written, without colour codes. */
export function withMutedConsole(body: () => void): { log: string; error: string } {
  const out = { log: "", error: "" };
  const original = { log: console.log, error: console.error };
  console.log = (...args: unknown[]) => void (out.log += `${args.map(String).join(" ")}\n`);
  console.error = (...args: unknown[]) => void (out.error += `${args.map(String).join(" ")}\n`);
  try {
    body();
  } finally {
    console.log = original.log;
    console.error = original.error;
  }
  return { log: stripAnsi(out.log), error: stripAnsi(out.error) };
}

/** What `body` printed (without colour codes) and the error it threw, if any: how a notebook cell's test reads. */
export function printedAndThrown(body: () => void): { text: string; thrown?: Error } {
  let thrown: Error | undefined;
  const out = withMutedConsole(() => {
    try {
      body();
    } catch (error) {
      thrown = error as Error;
    }
  });
  return { text: out.log, thrown };
}

/** The accuracies an accuracyTable printed, as printed ("96.7"), one [train, test] pair per row. */
export function accuracyRows(printed: string): [string, string][] {
  return [...printed.matchAll(/\| +([\d.]+)% \| +([\d.]+)%/g)].map((m) => [m[1], m[2]]);
}
