/**
 * Every command's arguments, read one way: node:util's parseArgs, strict, so an unknown or mistyped flag
 * (`--chek`) is an error with the command's usage, never a run that quietly ignores it.
 */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { printError } from "./untrusted-text";

/**
 * process.argv's arguments, parsed strictly by `config`. On a misuse: prints `<command>: <what is wrong>` and
 * the usage on stderr, and exits with `misuseStatus` (1 unless the command documents another).
 */
export function parseCommandLine<T extends Omit<ParseArgsConfig, "args" | "strict">>(command: string, usage: string, config: T, misuseStatus = 1) {
  try {
    return parseArgs({ ...config, args: process.argv.slice(2), strict: true as const });
  } catch (error) {
    printError(`${command}: ${(error as Error).message}\n${usage}`);
    process.exit(misuseStatus);
  }
}
