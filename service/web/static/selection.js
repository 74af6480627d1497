// The desk's source view: a passage selected inside one sentence (with the mouse or the
// keyboard) offers "Draft a fact from the selection", a link to the draft form with its offsets.
// Offsets are code points of the stored text, as the server counts them (not UTF-16 units).
"use strict";

const list = document.querySelector("ol.sentences");

function codePoints(text) {
  return [...text].length;
}

function selectedPassage() {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount !== 1) return null;
  const range = selection.getRangeAt(0);
  const holder = range.startContainer.parentElement?.closest(".sentence .text");
  if (!holder || range.endContainer.parentElement?.closest(".sentence .text") !== holder) return null;
  if (range.startContainer !== range.endContainer) return null;
  const text = range.startContainer.textContent;
  const sentence = holder.closest(".sentence");
  const base = Number(sentence.dataset.start);
  return {
    start: base + codePoints(text.slice(0, range.startOffset)),
    end: base + codePoints(text.slice(0, range.endOffset)),
    text: text.slice(range.startOffset, range.endOffset),
  };
}

if (list) {
  const bar = document.createElement("p");
  bar.className = "selection-bar";
  bar.hidden = true;
  bar.setAttribute("role", "status");
  const link = document.createElement("a");
  link.className = "button";
  link.id = "draft-selection";
  bar.append(link);
  list.before(bar);

  const update = () => {
    const passage = selectedPassage();
    if (!passage || !passage.text.trim()) {
      bar.hidden = true;
      return;
    }
    const query = new URLSearchParams({
      source: list.dataset.sourceId, start: passage.start, end: passage.end,
    });
    link.href = `/desk/draft?${query}`;
    link.textContent = `선택한 구절로 사실 작성 · Draft a fact from the selection: “${passage.text}”`;
    bar.hidden = false;
  };
  document.addEventListener("selectionchange", update);
}
