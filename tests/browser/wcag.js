// Our own small WCAG 2.1 checks, run in the page by tests/browser/test_layout.py.
// Returns the problems found: text whose contrast with what is behind it is under AA
// (4.5:1, or 3:1 for large text: 24px, or 18.66px bold), and controls smaller than 24x24 px.
() => {
  const parse = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0) layers.push(colour);
      if (colour && colour.a >= 1) break;
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = ({ r, g, b }) => {
    const channel = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden" && style.display !== "none";
  };
  const describe = (element) =>
    element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
    (element.className && typeof element.className === "string" ? "." + element.className.trim().split(/\s+/).join(".") : "") +
    ' "' + (element.innerText || element.value || "").trim().slice(0, 30) + '"';
  const problems = [];
  for (const element of document.querySelectorAll("body *")) {
    if (!visible(element)) continue;
    const hasText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const isField = ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(element.tagName);
    if (!hasText && !(isField && (element.value || element.innerText))) continue;
    if (element.closest(".visually-hidden, option")) continue;
    const style = getComputedStyle(element);
    const bg = background(element);
    const fg = over(parse(style.color), bg);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const got = ratio(fg, bg);
    if (got < needed) problems.push(`contrast ${got.toFixed(2)} < ${needed}: ${describe(element)}`);
  }
  for (const control of document.querySelectorAll("button, input:not([type=hidden]), select, textarea, a.button")) {
    if (!visible(control) || control.closest(".visually-hidden")) continue;
    const box = control.getBoundingClientRect();
    if (box.width < 24 || box.height < 24) {
      problems.push(`target ${Math.round(box.width)}x${Math.round(box.height)} px: ${describe(control)}`);
    }
  }
  return problems;
}
