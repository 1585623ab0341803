// tables.tex and figures.tex: one file each that a paper \input's to include every table
// (tables/NAME.tex) and every figure (figures/NAME.pdf) of a published results folder.
// \snasdir is where that folder sits relative to the paper's main file ('.' unless defined first).
import { latexText } from '../report/latex-table.js';

const PREAMBLE = (what: string) => [
  `% ${what} of a snas-lab results folder, written by \`snas publish\`: regenerate rather than edit.`,
  '% Needs \\usepackage{booktabs,graphicx}. Define \\snasdir before \\input when this folder is not beside the main file.',
  '\\providecommand{\\snasdir}{.}',
];

/** \input of each table, in the order given. */
export function tablesTex(names: string[]): string {
  return [...PREAMBLE('Every table'), ...names.map((n) => `\\input{\\snasdir/tables/${n}.tex}`), ''].join('\n');
}

/** A figure environment per figure (its PDF at the text's width, its caption, label fig:snas-NAME). */
export function figuresTex(figures: { name: string; caption: string }[]): string {
  const one = ({ name, caption }: { name: string; caption: string }) => [
    '\\begin{figure}[htbp]',
    '\\centering',
    `\\includegraphics[width=\\linewidth]{\\snasdir/figures/${name}.pdf}`,
    caption ? `\\caption{${latexText(caption)}}` : '',
    `\\label{fig:snas-${name}}`,
    '\\end{figure}',
  ].filter((l) => l !== '').join('\n');
  return [...PREAMBLE('Every figure'), ...figures.map(one), ''].join('\n');
}
