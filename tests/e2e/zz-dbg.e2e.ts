import { it } from "vitest";
import { appAndBrowser, logIn } from "./harness";
const t = appAndBrowser();
it("dbg", { timeout: 300_000 }, async () => {
  const context = await t.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await logIn(page, t.app.base, "owner@demo.coop");
  await page.locator(".site-header .who").waitFor();
  for (const path of ["/procurement/85bfe045-b71b-4b55-a6cd-db2c0d8a8659"]) {
    await page.goto(t.app.base + path);
    await page.waitForTimeout(3000);
    console.log(await page.evaluate(() => document.scrollingElement!.scrollWidth));
    const wide = await page.evaluate(() => {
      const out: string[] = [];
      const walk = (el: Element, depth: number) => {
        for (const c of [...el.children]) {
          const h = c as HTMLElement; const old = h.style.display; h.style.display = "none";
          const w = document.scrollingElement!.scrollWidth; h.style.display = old;
          if (w <= window.innerWidth) { out.push(`${depth} ${c.tagName}.${c.getAttribute("class")} ${Math.round(c.getBoundingClientRect().width)} ${(c.textContent ?? "").slice(0, 50)}`); if (depth < 8) walk(c, depth + 1); }
        }
      };
      walk(document.body, 0);
      return out;
    });
    console.log(path, wide.join("\n"));
  }
});
