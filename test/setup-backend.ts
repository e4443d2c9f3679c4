import { beforeAll } from "vitest";
import { initBackend } from "../src/backend";

beforeAll(async () => {
  await initBackend();
});
