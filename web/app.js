// The page: a file (chosen, dropped) or pasted text -> tenderlint in WebAssembly ->
// the report shown in a sandboxed frame, with downloads. Timings are kept in
// window.tenderlintTimes (milliseconds since the page started loading) for the tests.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const status = $("status"), frame = $("report");
  const times = (window.tenderlintTimes = {});
  const urls = [];
  const ready = window.tenderlint.load().then(
    (t) => {
      times.loaded = performance.now();
      status.textContent = "Ready: choose, drop or paste a document.";
      document.body.dataset.state = "ready";
      // While the officer picks a file, the rules are compiled, so that the check
      // itself only searches.
      t.warm().then(() => {
        times.warmed = performance.now();
        document.body.dataset.warm = "done";
      });
      return t;
    },
    (e) => {
      fail("The checker could not start: " + e.message);
      throw e;
    }
  );

  function fail(message) {
    status.textContent = message;
    status.className = "error";
    document.body.dataset.state = "error";
  }

  function offer(link, name, bytes, type) {
    const url = URL.createObjectURL(new Blob([bytes], { type }));
    urls.push(url);
    link.href = url;
    link.download = name;
    link.hidden = false;
  }

  async function run(name, bytes) {
    document.body.dataset.state = "checking";
    delete document.body.dataset.name;
    status.className = "";
    status.textContent = "Checking " + name + "…";
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    $("download-report").hidden = $("download-review").hidden = true;
    let t, result;
    try {
      t = await ready;
      times.start = performance.now();
      result = t.check(name, bytes);
      times.checked = performance.now();
    } catch (e) {
      return fail("tenderlint failed on " + name + ": " + e.message + ". Please report this bug.");
    }
    const stem = name.replace(/\.[^.]*$/, "");
    offer($("download-report"), stem + ".report.html", result.html, "text/html");
    if (result.reviewed) {
      offer($("download-review"), stem + ".reviewed.docx", result.reviewed,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    frame.onload = () => {
      times.shown = performance.now();
      document.body.dataset.state = "shown";
      document.body.dataset.findings = String(result.found);
      document.body.dataset.name = name;
    };
    frame.hidden = false;
    frame.srcdoc = result.html;
    const s = result.json.summary;
    if (result.found < 0) {
      fail(name + " could not be checked: " + result.error);
    } else {
      const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
      status.textContent = `${name}: ${n(s.errors, "error", "errors")}, ${n(s.warnings, "warning", "warnings")}, ${n(s.infos, "info", "infos")}.`;
    }
    window.tenderlintLast = result.json;
  }

  async function readFile(file) {
    run(file.name, new Uint8Array(await file.arrayBuffer()));
  }

  $("file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    if (f) readFile(f);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer.files[0];
    if (f) readFile(f);
  });
  $("check-paste").addEventListener("click", () => {
    run("pasted.md", new TextEncoder().encode($("paste").value));
  });
})();
