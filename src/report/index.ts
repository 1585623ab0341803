export { figureHtml, PLOTLY_MARKER, type Figure } from './figure.js';
export { escapeHtml, formatCell, tableHtml, tableRows, tableText, type FrameLike, type Row, type TableOptions } from './table.js';
