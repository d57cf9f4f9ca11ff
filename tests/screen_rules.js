// What a page shows, measured in the browser for tests/screen_check.py.
//
// Called as `page.evaluate(source, options)` with
//   options.scope      a CSS selector: only text and boxes inside it count (JupyterLab's own menus,
//                      file browser and status bar are not ours), or null for the whole body
//   options.scrollers  CSS selectors of the page's main scrolling boxes (besides the document)
//   options.skipText   CSS selectors whose text is not read (JupyterLab's code cells, the instructors' part);
//                      their boxes still count for scrollbars
// and returns
//   blocks     the visible text, one entry per block box (a paragraph, a button, a table cell, an SVG
//              <text>): {text, where}; <br> and preserved newlines become "\n" in text
//   cutOff     text that a box cuts off: {text, where, how}
//   scrollbars a horizontal scrollbar on the document or a main scroller: {where, scrollWidth, clientWidth,
//              sticksOut}
// Only what a person can see counts: text under display:none, visibility:hidden, opacity:0, a zero-size
// box or a screen-reader-only clip is left out, and so are attributes (except the placeholder an empty
// field shows), scripts and styles.
(options) => {
    const scope = options.scope ? document.querySelector(options.scope) : document.body;
    if (!scope) {
        return { error: `no element matches ${options.scope}` };
    }
    const styles = new Map();
    const style = (el) => {
        let found = styles.get(el);
        if (found === undefined) {
            found = getComputedStyle(el);
            styles.set(el, found);
        }
        return found;
    };
    const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD", "TITLE", "META", "LINK"]);
    const PRESERVES_NEWLINES = /^(pre|pre-wrap|pre-line|break-spaces)$/;
    const CLIPS = /^(hidden|clip)$/;
    const SCROLLS = /^(auto|scroll)$/;
    const TOLERANCE = 1.5; // px: sub-pixel layout and glyph overhang are not cut-off text

    const isSvg = (el) => el instanceof SVGElement;
    const isBlock = (el) => {
        if (isSvg(el)) {
            return el.tagName.toLowerCase() === "text" || el.tagName.toLowerCase() === "svg";
        }
        const display = style(el).display;
        return display !== "inline" && display !== "contents";
    };

    const visibility = new Map();
    const visible = (el) => {
        let seen = visibility.get(el);
        if (seen !== undefined) {
            return seen;
        }
        seen = el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: false });
        if (seen && !isSvg(el)) {
            const s = style(el);
            // a screen-reader-only box: clipped to nothing or one pixel
            if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") {
                seen = false;
            } else if (s.position === "absolute" && el.offsetWidth <= 1 && el.offsetHeight <= 1) {
                seen = false;
            }
        }
        if (seen && el.parentElement && el !== scope) {
            seen = visible(el.parentElement);
        }
        visibility.set(el, seen);
        return seen;
    };

    const describe = (el) => {
        const name = (e) => {
            const classes = [...e.classList].filter((c) => !c.startsWith("lm-") && c !== "jupyter-widgets");
            const id = e.id && e.id.length <= 24 && !e.id.includes("%") ? `#${e.id}` : "";
            return e.tagName.toLowerCase() + id + classes.slice(0, 2).map((c) => `.${c}`).join("");
        };
        let where = name(el);
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            const own = [...up.classList].find((c) => c.startsWith("swtrain-exercise-") || c.startsWith("swtrain-"));
            if (own) {
                where = `${where} in .${own}`;
                break;
            }
        }
        return where;
    };

    // The box that clips an element's content, as the intersection of every overflow:hidden/clip ancestor's
    // padding box (scrolling boxes are left out: their content is reached by scrolling, not cut).
    const clips = new Map();
    const clipOf = (el) => {
        if (!el || el === document.documentElement) {
            return null;
        }
        if (clips.has(el)) {
            return clips.get(el);
        }
        let clip = clipOf(el.parentElement);
        if (!isSvg(el)) {
            const s = style(el);
            const clipsX = CLIPS.test(s.overflowX);
            const clipsY = CLIPS.test(s.overflowY);
            // Content of a scrolling box is brought into view by scrolling it, whatever clips the box itself.
            if (clip && SCROLLS.test(s.overflowX)) {
                clip = { ...clip, left: -Infinity, right: Infinity };
            }
            if (clip && SCROLLS.test(s.overflowY)) {
                clip = { ...clip, top: -Infinity, bottom: Infinity };
            }
            if (clipsX || clipsY) {
                const r = el.getBoundingClientRect();
                const box = {
                    left: clipsX ? r.left + el.clientLeft : -Infinity,
                    right: clipsX ? r.left + el.clientLeft + el.clientWidth : Infinity,
                    top: clipsY ? r.top + el.clientTop : -Infinity,
                    bottom: clipsY ? r.top + el.clientTop + el.clientHeight : Infinity,
                    owner: el,
                };
                clip = clip
                    ? {
                          left: Math.max(clip.left, box.left),
                          right: Math.min(clip.right, box.right),
                          top: Math.max(clip.top, box.top),
                          bottom: Math.min(clip.bottom, box.bottom),
                          owner: el,
                      }
                    : box;
            }
        }
        clips.set(el, clip);
        return clip;
    };
    const inside = (rect, clip) =>
        rect.left >= clip.left - TOLERANCE &&
        rect.right <= clip.right + TOLERANCE &&
        rect.top >= clip.top - TOLERANCE &&
        rect.bottom <= clip.bottom + TOLERANCE;
    const apart = (rect, clip) =>
        rect.right <= clip.left || rect.left >= clip.right || rect.bottom <= clip.top || rect.top >= clip.bottom;

    const blocks = new Map(); // block element -> pieces of text in document order
    const order = [];
    const add = (block, text) => {
        let pieces = blocks.get(block);
        if (!pieces) {
            pieces = [];
            blocks.set(block, pieces);
            order.push(block);
        }
        pieces.push(text);
    };
    const blockOf = (el) => {
        let up = el;
        while (up && up !== scope && !isBlock(up)) {
            up = up.parentElement;
        }
        return up || scope;
    };
    const cutOff = [];
    const cutSeen = new Set();
    const reportCut = (el, text, how) => {
        if (cutSeen.has(el)) {
            return;
        }
        cutSeen.add(el);
        cutOff.push({ text: text.replace(/\s+/g, " ").trim().slice(0, 200), where: describe(el), how });
    };

    const skipText = (options.skipText || []).join(", ");
    const range = document.createRange();
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
            if (node.nodeType === Node.ELEMENT_NODE) {
                if (SKIP.has(node.tagName) || !visible(node) || (skipText && node.matches(skipText))) {
                    return NodeFilter.FILTER_REJECT;
                }
                return NodeFilter.FILTER_ACCEPT;
            }
            return node.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
        },
    });
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
        if (node.nodeType === Node.ELEMENT_NODE) {
            const el = node;
            const tag = el.tagName;
            if (tag === "BR") {
                add(blockOf(el), "\n");
            } else if ((tag === "INPUT" || tag === "TEXTAREA") && !el.value && el.placeholder) {
                add(el, el.placeholder);
            } else if (tag === "INPUT" && /^(button|submit|reset)$/.test(el.type) && el.value) {
                add(el, el.value);
            } else if (tag === "SELECT") {
                for (const option of el.options) {
                    add(option, option.text); // the list a person opens
                }
                const shown = el.options[el.selectedIndex];
                if (shown) {
                    // the browser's own measure: the same drop-down sized to its chosen text (field-sizing),
                    // arrow and padding included, beside it and unseen
                    const probe = el.cloneNode(true);
                    probe.selectedIndex = el.selectedIndex;
                    Object.assign(probe.style, {
                        fieldSizing: "content", width: "auto", minWidth: "0", maxWidth: "none", flex: "none",
                        position: "absolute", visibility: "hidden", left: "0", top: "0",
                    });
                    el.parentElement.appendChild(probe);
                    const needed = probe.getBoundingClientRect().width;
                    probe.remove();
                    if (needed > el.getBoundingClientRect().width + TOLERANCE) {
                        reportCut(el, shown.text, "a drop-down too narrow for its choice");
                    }
                }
            }
            if (!isSvg(el)) {
                const s = style(el);
                if (
                    s.textOverflow === "ellipsis" &&
                    CLIPS.test(s.overflowX) &&
                    el.scrollWidth > el.clientWidth + 1 &&
                    el.textContent.trim()
                ) {
                    reportCut(el, el.textContent, "ends in an ellipsis");
                } else if (s.webkitLineClamp !== "none" && el.scrollHeight > el.clientHeight + 1) {
                    reportCut(el, el.textContent, "line-clamped");
                }
            }
            continue;
        }
        const parent = node.parentElement;
        if (!parent) {
            continue;
        }
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
        if (!rects.length) {
            continue; // collapsed or empty: nothing on screen
        }
        const clip = clipOf(parent);
        if (clip) {
            const within = rects.filter((r) => inside(r, clip));
            const gone = rects.filter((r) => apart(r, clip));
            if (gone.length === rects.length) {
                continue; // wholly outside its clipping box: hidden (a closed panel), not cut
            }
            if (within.length < rects.length) {
                reportCut(clip.owner, clip.owner.textContent, "wider or taller than its box");
            }
        }
        const preserves = PRESERVES_NEWLINES.test(style(parent).whiteSpace);
        add(blockOf(parent), preserves ? node.data : node.data.replace(/\s+/g, " "));
    }

    const texts = [];
    for (const block of order) {
        const text = blocks
            .get(block)
            .join("")
            .split("\n")
            .map((line) => line.replace(/[ \t]+/g, " ").trim())
            .join("\n")
            .trim();
        if (text) {
            const marked = block.closest("[lang]");
            texts.push({ text, where: describe(block), lang: marked ? marked.getAttribute("lang") : "" });
        }
    }

    const scrollbars = [];
    const viewportWidth = document.documentElement.clientWidth;
    const sticksOut = () => {
        const out = [];
        for (const el of scope.querySelectorAll("*")) {
            if (out.length >= 3) {
                break;
            }
            const r = el.getBoundingClientRect();
            if (r.right > viewportWidth + 1 && r.width > 0 && visible(el) && !(el.parentElement && out.includes(describe(el.parentElement)))) {
                out.push(describe(el));
            }
        }
        return out;
    };
    const root = document.scrollingElement || document.documentElement;
    const candidates = [[root, "the page"]];
    for (const selector of options.scrollers || []) {
        for (const el of document.querySelectorAll(selector)) {
            candidates.push([el, selector]);
        }
    }
    for (const [el, name] of candidates) {
        const s = style(el);
        const scrolls = el === root ? s.overflowX !== "hidden" && s.overflowX !== "clip" : /^(auto|scroll)$/.test(s.overflowX);
        if (scrolls && el.scrollWidth > el.clientWidth + 1) {
            scrollbars.push({ where: name, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, sticksOut: sticksOut() });
        }
    }
    return { blocks: texts, cutOff, scrollbars };
};
