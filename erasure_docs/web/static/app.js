// erasure-docs web app: autosave of the intake form and the live progress of a batch.
// No inline script anywhere (the Content-Security-Policy forbids it); this file is all there is.
"use strict";

function csrfToken(form) {
  const field = form.querySelector('input[name="csrf"]');
  return field ? field.value : "";
}

function setupAutosave() {
  const form = document.getElementById("intake");
  if (!form) return;
  const saved = document.getElementById("saved");
  let timer = null;
  const save = () => {
    timer = null;
    fetch(form.dataset.autosave, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-CSRF-Token": csrfToken(form)},
    }).then((response) => response.ok ? response.json() : Promise.reject(response.status))
      .then((result) => {
        saved.textContent = "Saved at " + result.saved + (result.problems ? " (" + result.problems + " problems: press Save to see them beside their fields)" : "");
      })
      .catch(() => { saved.textContent = "Not saved: press Save."; });
  };
  const later = () => { if (timer) clearTimeout(timer); timer = setTimeout(save, 1200); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
}

function setupProgress() {
  const box = document.getElementById("progress-box");
  if (!box || box.hidden) return;
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const poll = () => {
    fetch(box.dataset.progress, {credentials: "same-origin"})
      .then((response) => response.json())
      .then((state) => {
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        text.textContent = state.done + " of " + state.total + " cases built";
        if (state.finished) { window.location.reload(); } else { setTimeout(poll, 400); }
      })
      .catch(() => setTimeout(poll, 2000));
  };
  poll();
}

document.addEventListener("DOMContentLoaded", () => { setupAutosave(); setupProgress(); });
