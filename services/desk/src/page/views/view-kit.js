// Small DOM helpers of the alert-detail and routes views (no framework, no inline
// styles: the page's CSP allows only its own style sheets).
const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, props, children) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'className') node.setAttribute('class', v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node && !(node instanceof SVGElement)) node[k] = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** An HTML element with properties (className, dataset, attributes) and children. */
export function el(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element with attributes and children. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Adds a style sheet of the page once (views load their own). */
export function loadStyle(href) {
  if (document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) return;
  document.head.append(el('link', { rel: 'stylesheet', href }));
}
