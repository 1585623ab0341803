// Drives Jupyter Notebook's classic page in headless Chromium as a reader would: open a notebook,
// wait for its kernel, Run All from the Cell menu, wait until every cell has run, and read what
// the page shows. Used by test/lab.test.ts and test/helpers/lab-timing.ts.
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../src/publish/export-static.js';
import { chromiumBinary } from '../../src/runs/environment.js';


export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumBinary(), headless: true, args: CHROMIUM_FLAGS });
}

interface JupyterPage {
  Jupyter: {
    notebook: {
      kernel?: { is_connected(): boolean };
      set_autosave_interval(ms: number): void;
      get_cells(): { cell_type: string; input_prompt_number: unknown; output_area?: { outputs: unknown[] }; get_text(): string; set_text(s: string): void }[];
      select(i: number): void;
      execute_cells_below(): void;
    };
  };
}

/** Opens a notebook's URL and waits for its kernel; autosave off, so that nothing the page does reaches the file. */
export async function openNotebook(page: Page, url: string, timeoutMs = 120_000): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => Boolean((window as unknown as Partial<JupyterPage>).Jupyter?.notebook?.kernel?.is_connected()), undefined, { timeout: timeoutMs });
  await page.evaluate(() => (window as unknown as JupyterPage).Jupyter.notebook.set_autosave_interval(0));
}

/** Waits until the kernel is idle and no code cell is queued or running. */
export async function settled(page: Page, timeoutMs = 300_000): Promise<void> {
  await page.waitForTimeout(500);
  await page.waitForFunction(() => {
    const nb = (window as unknown as JupyterPage).Jupyter.notebook;
    const busy = document.querySelector('#kernel_indicator_icon')?.classList.contains('kernel_busy_icon');
    return !busy && nb.get_cells().filter((c) => c.cell_type === 'code').every((c) => c.input_prompt_number !== '*');
  }, undefined, { timeout: timeoutMs, polling: 250 });
}

/** Cell > Run All, as a reader clicks it; resolves when every cell has run. */
export async function runAll(page: Page, timeoutMs = 300_000): Promise<void> {
  await page.click('#celllink');
  await page.click('#run_all_cells');
  await settled(page, timeoutMs);
}

export interface PageState {
  cells: number;
  withOutput: number;
  errors: number;
  stderr: string;
  figureDivs: number;
  plots: number;
  sliders: number;
  notLoaded: number;
  maths: number;
  rawTex: number;
}

/** What the page shows: cells, outputs, errors, figures (drawn or not), sliders, typeset maths. */
export function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const nb = (window as unknown as JupyterPage).Jupyter.notebook;
    const code = nb.get_cells().filter((c) => c.cell_type === 'code');
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    const els = Array.from(document.querySelectorAll('.output_error, .output_stderr, [data-snas-plotly], .js-plotly-plot, .text_cell_render')) as HTMLElement[];
    const figures = els.filter((e) => e.hasAttribute('data-snas-plotly'));
    const markdown = els.filter((e) => e.classList.contains('text_cell_render'));
    return {
      cells: code.length,
      withOutput: code.filter((c) => (c.output_area?.outputs.length ?? 0) > 0).length,
      errors: els.filter((e) => e.classList.contains('output_error')).length,
      stderr: els.filter((e) => e.classList.contains('output_stderr')).map((e) => e.innerText).join('\n'),
      figureDivs: figures.length,
      plots: els.filter((e) => e.classList.contains('js-plotly-plot')).length,
      sliders: document.querySelectorAll('.js-plotly-plot .slider-container').length,
      notLoaded: figures.filter((e) => /not on this page/.test(e.innerText)).length,
      maths: document.querySelectorAll('.text_cell_render .MathJax, .text_cell_render .MathJax_Display, .text_cell_render .MathJax_SVG, .text_cell_render mjx-container').length,
      rawTex: markdown.filter((e) => /\$\$|\\frac/.test(e.innerText)).length,
    };
  });
}
