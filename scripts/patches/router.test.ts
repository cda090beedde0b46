/**
 * The patched server-side router (scripts/patches, ADR 0006) must match
 * exactly as the published one does: same routes, same params, same
 * pathnames, for every route of the built app and for random and hostile
 * paths. The published algorithm is still in the package's UMD build, which
 * the patch leaves alone, so the two are compared side by side.
 */
import { createRequire } from "node:module";
import fc from "fast-check";
import type { ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadBuild } from "../../server/server";

interface RouteNode {
  id: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: RouteNode[];
}
type Match = { params: Record<string, string | undefined>; pathname: string; pathnameBase: string; route: RouteNode };
type MatchRoutes = (routes: RouteNode[], location: string, basename?: string) => Match[] | null;

const require = createRequire(import.meta.url);
const patched = require("@remix-run/router") as { matchRoutes: MatchRoutes };
const published = require("@remix-run/router/dist/router.umd.js") as { matchRoutes: MatchRoutes };

let tree: RouteNode[];
let samplePaths: string[];

/** The nested route tree, as Remix builds it from the manifest. */
function routeTree(build: ServerBuild): RouteNode[] {
  const nodes = new Map<string, RouteNode>();
  for (const r of Object.values(build.routes)) nodes.set(r.id, { id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive });
  const roots: RouteNode[] = [];
  for (const r of Object.values(build.routes)) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId ? nodes.get(r.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

function fullPaths(nodes: RouteNode[], prefix = ""): string[] {
  return nodes.flatMap((n) => {
    const here = n.path ? `${prefix}/${n.path}` : prefix;
    return [here || "/", ...fullPaths(n.children ?? [], here)];
  });
}

function summary(matches: Match[] | null) {
  return matches?.map((m) => ({ id: m.route.id, params: m.params, pathname: m.pathname, pathnameBase: m.pathnameBase })) ?? null;
}

function expectSameMatch(path: string) {
  // Twice through the patched router: the second call is served from its caches.
  const first = summary(patched.matchRoutes(tree, path));
  const second = summary(patched.matchRoutes(tree, path));
  const expected = summary(published.matchRoutes(tree, path));
  expect(first, path).toEqual(expected);
  expect(second, path).toEqual(expected);
}

beforeAll(async () => {
  tree = routeTree(await loadBuild());
  const id = "0b4f5a0e-7c1d-4d0e-9a53-2f1f1c7e9b11";
  samplePaths = [...new Set(fullPaths(tree))].map((p) => p.replace(/:[\w-]+\??/g, id).replace(/\*$/, "x/y"));
});

describe("patched route matching", () => {
  it("matches every route of the app as the published router does, in any letter case and with trailing or doubled slashes", () => {
    expect(samplePaths.length).toBeGreaterThan(50);
    for (const path of samplePaths) {
      for (const variant of [path, `${path}/`, path.toUpperCase(), `/${path}`, path.replace(/\//g, "//"), `${path}.data`, `${path}/extra`]) {
        expectSameMatch(variant);
      }
    }
  });

  it("finds a route for the app's own pages (the comparison is not between two failures)", () => {
    const matched = samplePaths.filter((p) => patched.matchRoutes(tree, p)?.length);
    expect(matched.length).toBe(samplePaths.length);
  });

  it("agrees on random and hostile paths", () => {
    // Both routers warn about undecodable paths; the warnings are expected here.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const segments = [...new Set(samplePaths.flatMap((p) => p.split("/")))];
    const segment = fc.oneof(
      fc.constantFrom(...segments),
      fc.string({ maxLength: 12 }),
      fc.constantFrom("", ".", "..", "%2F", "%E2%82%AC", "%", "K", "ſ", "İ", "MOTIONS", "Motions", "σ", "ς"),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.boolean(), (parts, trailing) => {
        expectSameMatch(`/${parts.join("/")}${trailing ? "/" : ""}`);
      }),
      { numRuns: 3000 },
    );
    warn.mockRestore();
  });
});
