import { describe, expect, it } from "vitest";
import zhCN from "./zh-CN";
import en from "./en";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "object" && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("translations", () => {
  it("English has exactly the Chinese keys, none empty", () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const k of keys(en)) {
      const v = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], en);
      expect(v, k).not.toBe("");
    }
  });
});

describe("keys used in the source", () => {
  it("every literal t('…') key exists in Chinese", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const { join } = await import("node:path");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(vue|ts)$/.test(name) && !name.endsWith(".test.ts")) files.push(p);
      }
    };
    walk(join(__dirname, ".."));
    const known = new Set(keys(zhCN));
    const missing: string[] = [];
    for (const f of files) {
      for (const m of readFileSync(f, "utf8").matchAll(/\bt\(\s*["']([a-zA-Z][\w.]*)["']/g)) {
        if (!m[1].endsWith(".") && !known.has(m[1])) missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
