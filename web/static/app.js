// The workbench's few behaviours; every page also works without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A form sent once: a second click while the first is on its way is ignored.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) { event.preventDefault(); return; }
      if (event.submitter && event.submitter.getAttribute("formmethod") === "get") return;
      form.dataset.sent = "1";
      const button = event.submitter || form.querySelector("button[type=submit]");
      if (button) {
        button.dataset.label = button.textContent;
        setTimeout(() => { button.disabled = true; button.textContent = "正在提交……"; }, 0);
      }
    });
  });
  // Back from a refusal page: the browser may restore this page as it was left, mid-submit.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once]").forEach((form) => {
      delete form.dataset.sent;
      form.querySelectorAll("button[data-label]").forEach((button) => {
        button.disabled = false;
        button.textContent = button.dataset.label;
      });
    });
  });

  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });

  // The month, range and calendar choice redraw the calendar (the 更新日历 button, by script).
  const refresh = document.getElementById("refresh");
  if (refresh) {
    refresh.hidden = true;
    document.querySelectorAll("[data-refresh]").forEach((input) => {
      input.addEventListener("change", () => refresh.click());
    });
    document.querySelectorAll("input[name=start], input[name=end]").forEach((input) => {
      input.addEventListener("change", () => {
        const dates = document.querySelector("input[name=range][value=dates]");
        if (dates) dates.checked = true;
        if (document.querySelector("input[name=start]").value) refresh.click();
      });
    });
  }

  document.querySelectorAll("select[data-toggle-upload]").forEach((select) => {
    const file = select.parentElement.querySelector(".upload-previous");
    const show = () => { if (file) file.hidden = select.value !== "upload"; };
    select.addEventListener("change", show);
    show();
  });

  watchProgress();
  pickSwap();
});

function setText(id, text) {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

// Live progress by server-sent events; polling if the browser cannot keep the stream open.
function watchProgress() {
  const panel = document.getElementById("progress");
  if (!panel) return;
  const run = panel.dataset.run;
  const finished = () => { window.location.href = "/runs/" + encodeURIComponent(run); };
  const show = (s) => {
    if (!s || s.run !== run) return;
    setText("p-stage", s.stage || "");
    setText("p-phase", s.phase && s.phase !== s.stage ? s.phase : "");
    setText("p-note", s.note || "");
    setText("p-elapsed", Number(s.elapsed).toFixed(1));
    setText("p-remaining", Number(s.remaining).toFixed(0));
    const bar = document.getElementById("p-bar");
    if (bar) bar.style.width = (100 * s.fraction).toFixed(1) + "%";
    setText("p-coverage", (s.covered === null ? "—" : s.covered) + "/" + s.needed);
    setText("p-objective", s.objective || "—");
    setText("p-bound", s.bound || "—");
    setText("p-gap", s.gap || "—");
    setText("p-solutions", String(s.solutions));
    if (s.stopping) {
      setText("p-stopping", "正在停止，保留目前最好的排班……");
      const stop = document.getElementById("stop");
      if (stop) stop.disabled = true;
    }
  };
  let polling = null;
  const poll = () => {
    if (polling) return;
    polling = setInterval(() => {
      fetch("/api/job").then((r) => r.json()).then((s) => {
        if (!s.running || s.run !== run) { clearInterval(polling); finished(); } else { show(s); }
      }).catch(() => {});
    }, 1000);
  };
  if (window.EventSource) {
    const events = new EventSource("/api/job/events?run=" + encodeURIComponent(run));
    events.onmessage = (event) => show(JSON.parse(event.data));
    events.addEventListener("done", () => { events.close(); finished(); });
    events.onerror = () => { events.close(); poll(); };
  } else {
    poll();
  }
  const form = document.getElementById("stop-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const stop = document.getElementById("stop");
      if (stop) stop.disabled = true;
      fetch("/api/job/stop", { method: "POST" }).then((r) => r.json())
        .then((answer) => setText("p-stopping", answer.message || ""))
        .catch(() => form.submit());
    });
  }
}

// Picking two duties in the month grid for a swap.
function pickSwap() {
  const grid = document.getElementById("grid");
  const bar = document.getElementById("swap-pick");
  if (!grid || !bar) return;
  let picked = [];
  const draw = () => {
    grid.querySelectorAll(".chip.picked").forEach((c) => c.classList.remove("picked"));
    picked.forEach((c) => c.classList.add("picked"));
    ["a", "b"].forEach((side, i) => {
      const chip = picked[i];
      setText("swap-" + side, chip ? chip.dataset.label + " " + chip.dataset.date : (i ? "再点另一个单位" : "先点一个单位"));
      ["unit", "date", "station", "shift"].forEach((field) => {
        bar.querySelector("input[name=" + field + "_" + side + "]").value = chip ? chip.dataset[field] : "";
      });
    });
    bar.hidden = picked.length === 0;
    document.getElementById("swap-submit").disabled = picked.length !== 2;
  };
  grid.addEventListener("click", (event) => {
    const chip = event.target.closest(".chip");
    if (!chip) return;
    if (picked.includes(chip)) picked = picked.filter((c) => c !== chip);
    else picked = [...picked.slice(-1), chip].slice(-2);
    if (picked.length === 2 && picked[0] === picked[1]) picked = [chip];
    draw();
  });
  document.getElementById("swap-clear").addEventListener("click", () => { picked = []; draw(); });
}
