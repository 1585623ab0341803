// snas publish: the supplementary material of a results folder, and its check.
import { join, resolve } from 'node:path';
import { buildSupplementary } from '../../publish/build.js';
import { checkSupplementary, reportLines } from '../../publish/check.js';
import { projectRoot } from '../../util/root.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, type Command } from '../command.js';

export const publish: Command = {
  summary: 'write the supplementary material (folder, zip) of a results folder, or check one',
  usage: `snas publish [DIR] [--self-contained]
snas publish --check DIR_OR_ZIP

Writes DIR/supplementary/ and DIR/supplementary.zip (DIR: a folder \`snas reproduce\` wrote,
default results/; \`snas reproduce\` does this at its end): index.html; the executed notebooks
as .ipynb and as HTML sharing one plotly.js and one MathJax under assets/ (--self-contained:
one-file pages instead); the tables as CSV, Markdown and LaTeX, with tables.tex; the figures as
plotly spec, interactive page, SVG and PDF, with figures.tex; each run's config, metrics and
genotype (no checkpoints); the environment record; a README; and MANIFEST.sha256. Then checks
both and prints their sizes.

--check: verifies an archive (the folder or the zip): every file against MANIFEST.sha256, every
link of every page resolving inside it, nothing loaded from the network, no absolute path of
this machine. Prints the size by part and each problem with its file; exit 1 when any.`,
  async run(args) {
    const { values, positionals } = parse('publish', args, { check: { type: 'string' }, 'self-contained': { type: 'boolean' } }, true);
    if (values.help) return help(this);
    if (values.check !== undefined) {
      if (positionals.length || values['self-contained']) throw new UsageError('snas publish --check takes only the folder or zip to check');
      const report = checkSupplementary(resolve(String(values.check)));
      for (const line of reportLines(report)) console.log(line);
      return report.problems.length ? EXIT.failure : EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError(`snas publish: one results folder, got ${positionals.length}`);
    const dir = resolve(positionals[0] ?? join(projectRoot(), 'results'));
    const built = await buildSupplementary(dir, { selfContained: Boolean(values['self-contained']), log: (l) => console.log(l) });
    for (const r of [built.folderReport, built.zipReport]) for (const line of reportLines(r)) console.log(line);
    return built.folderReport.problems.length || built.zipReport.problems.length ? EXIT.failure : EXIT.ok;
  },
};
