import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

/*
 * The layers (docs/architecture.md): each may import those beneath it, never
 * one above. From the bottom: domain (pure rules) and schemas; utils
 * (infrastructure: database connection, HTTP parsing, CSV, PDF, the job
 * queue); models (database access by area); web (request-level helpers:
 * session and permissions, query parameters, ballot forms); routes and
 * components (the pages); server/ (the HTTP server, ballot box, scheduler).
 */
const layer = (name, above) => ({
  group: above.flatMap((a) => [`~/${a}/*`, `~/${a}/**`, `**/app/${a}/*`, `**/app/${a}/**`, ...(a === "server" ? ["**/server/*"] : [])]),
  message: `${name} may not import from a layer above it (${above.join(", ")}): see docs/architecture.md.`,
});
const boundaries = [
  { files: ["app/domain/**/*.ts"], ignores: ["**/*.test.ts"], rule: layer("app/domain", ["schemas", "utils", "models", "web", "routes", "components", "server"]), extra: [{ group: ["**/db/*", "**/db/**", "node:*", "kysely", "pg"], message: "app/domain is pure: no I/O, no database (docs/architecture.md)." }] },
  { files: ["app/schemas/**/*.ts"], ignores: ["**/*.test.ts"], rule: layer("app/schemas", ["utils", "models", "web", "routes", "components", "server"]) },
  { files: ["app/utils/**/*.ts", "app/utils/**/*.tsx"], rule: layer("app/utils", ["models", "web", "routes", "components", "server"]) },
  { files: ["app/models/**/*.ts"], rule: layer("app/models", ["web", "routes", "components", "server"]) },
  { files: ["app/web/**/*.ts"], rule: layer("app/web", ["routes", "components", "server"]) },
  { files: ["app/components/**/*.ts", "app/components/**/*.tsx"], rule: layer("app/components", ["models", "web", "routes", "server"]) },
  { files: ["app/*.ts", "app/*.tsx"], rule: layer("app/routes", ["server"]) },
  // A page asks a model for its data: no query builder in a route (docs/architecture.md, "a route holds no raw query").
  { files: ["app/routes/**/*.ts", "app/routes/**/*.tsx"], rule: layer("app/routes", ["server"]), extra: [{ group: ["kysely", "kysely/*"], message: "A route holds no raw query: put it in a model function in app/models/<area>/ (docs/architecture.md)." }] },
  { files: ["db/tables/**/*.ts", "db/migrations/**/*.ts", "db/schema.ts"], rule: layer("db (tables, migrations)", ["schemas", "utils", "models", "web", "routes", "components", "server"]) },
].map(({ files, ignores, rule, extra = [] }) => ({ files, ...(ignores ? { ignores } : {}), rules: { "no-restricted-imports": ["error", { patterns: [rule, ...extra] }] } }));

/** What every file is held to; the routes' block below repeats it, as a later block's rule replaces an earlier one's. */
const restrictedSyntax = [
  {
    selector: "CallExpression[callee.property.name='toISOString'][callee.object.type='NewExpression'][callee.object.arguments.length=0]",
    message: "A business date from the UTC clock books the wrong day near midnight: use today(organisation) from app/utils/clock.server.ts (or dateInZone).",
  },
  {
    selector: "CallExpression[callee.property.name='formData'][callee.object.name='request']",
    message: "Read form bodies with readForm(request) from app/utils/forms.server.ts: it streams multipart with limits and turns bad bodies into a 400.",
  },
];

/** A query started in a route (db.selectFrom(...), trx.insertInto(...)): the model layer's job. */
const routeQueries = {
  selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]",
  message: "A route holds no raw query: put it in a model function in app/models/<area>/ that takes db first and is scoped by organisation (docs/architecture.md).",
};

export default tseslint.config(
  { ignores: ["build/", "build-*/", "public/build/", "node_modules/", "data/", ".cache/", ".ci/results/", "bench-data/", "backups/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Money must never pass through floating point: parseFloat on user input is a smell here.
      "no-restricted-globals": ["error", { name: "parseFloat", message: "Money is bigint minor units: use parseMoney from app/domain/money.ts" }],
      // Business dates follow the organisation's time zone, never the UTC clock.
      "no-restricted-syntax": ["error", ...restrictedSyntax],
    },
  },
  ...boundaries,
  { files: ["app/routes/**/*.ts", "app/routes/**/*.tsx"], rules: { "no-restricted-syntax": ["error", ...restrictedSyntax, routeQueries] } },
);
