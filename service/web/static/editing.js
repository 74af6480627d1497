// For a signed-in editor, the reader's page offers "correct" and "retract" on every entry and
// initiative: links to the desk's forms. Nothing changes for readers (GET /desk/me is a 401).
"use strict";

function addActions(container, eventId) {
  if (container.querySelector(".desk-actions")) return;
  const actions = document.createElement("p");
  actions.className = "desk-actions buttons";
  for (const [action, ko, en] of [["correct", "고치기", "Correct"], ["retract", "철회", "Retract"]]) {
    const link = document.createElement("a");
    link.className = "button secondary";
    link.href = `/desk/facts/${eventId}/${action}`;
    link.textContent = `${ko} · ${en}`;
    actions.append(link);
  }
  container.append(actions);
}

function offerEditing() {
  for (const entry of document.querySelectorAll("li.entry[data-event-id]")) {
    if (entry.classList.contains("state-retracted")) continue;
    addActions(entry.querySelector(".details") || entry, entry.dataset.eventId);
  }
  for (const initiative of document.querySelectorAll("li.initiative[data-event-id]")) {
    if (initiative.classList.contains("state-retracted")) continue;
    addActions(initiative, initiative.dataset.eventId);
  }
}

fetch("/desk/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
  .then((response) => {
    if (!response.ok) return;
    offerEditing();
    // The page refreshes parts of itself on live updates: offer the links on new parts too.
    new MutationObserver(offerEditing).observe(document.body, { childList: true, subtree: true });
  })
  .catch(() => {});
