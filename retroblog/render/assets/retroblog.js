/*
 * retroblog: progressive enhancement of build-time chart SVGs into interactive Vega views.
 *
 * Contract (emitted by the build, see retroblog/render.py):
 *   <figure class="retroblog-chart" data-retroblog-interactive="true" data-retroblog-spec="{escaped VL JSON}">
 *     <div class="retroblog-static"><svg>...</svg></div> ... </figure>
 * The Vega runtime (vl-convert's javascript_bundle(), defines window.vegaEmbed) sits next to this
 * file as vega.js and is loaded once, on the first page that has a chart.
 *
 * mkdocs-material's navigation.instant re-creates and re-runs this script on every navigation, so
 * all state lives on one global (window.__retroblog) and the script only (re)scans when it runs again.
 * Colours are placeholders mapped to the palette by retroblog.css, so a palette toggle needs no
 * re-render. No innerHTML, no network except vega.js from the same folder.
 */
(function () {
  "use strict";

  var SELECTOR = '.retroblog-chart[data-retroblog-interactive="true"]';
  var SCRIPT_PATH = "assets/retroblog/retroblog.js";

  function ownUrl() {
    var current = document.currentScript;
    if (current && current.src) return current.src;
    var scripts = document.querySelectorAll("script[src]");
    for (var i = scripts.length - 1; i >= 0; i--) {
      var src = scripts[i].src.split(/[?#]/)[0];
      if (src.slice(-SCRIPT_PATH.length) === SCRIPT_PATH) return scripts[i].src;
    }
    return null;
  }

  var rb = window.__retroblog;
  if (rb && rb.initialized) {
    // Re-run by instant navigation (or included twice): state and subscriptions already exist.
    rb.runs += 1;
    if (!rb.vegaUrl) rb.vegaUrl = vegaUrlFrom(ownUrl());
    rb.subscribe();
    rb.whenReady(rb.scan);
    return;
  }

  function vegaUrlFrom(url) {
    if (!url) return null;
    try {
      return new URL("vega.js", url).href;
    } catch (e) {
      return null;
    }
  }

  rb = window.__retroblog = {
    initialized: true,
    version: 1,
    runs: 1,
    /** figure -> vega-embed result, for every live interactive view. */
    views: new Map(),
    /** how many views were finalized because their figure left the DOM. */
    finalized: 0,
    /** how many embeds succeeded / failed in total. */
    embedded: 0,
    failed: 0,
    /** how many times document$ was subscribed (must stay at most 1). */
    subscriptions: 0,
    /** palette changes seen by the MutationObserver. */
    schemeChanges: 0,
    vegaUrl: vegaUrlFrom(ownUrl()),
    vegaPromise: null,
    warned: false,
  };

  var pending = new WeakSet();

  function warnOnce(message, error) {
    if (rb.warned) return;
    rb.warned = true;
    console.warn("retroblog: " + message + " (the static chart stays)", error && error.message ? error.message : error);
  }

  function loadVega() {
    if (typeof window.vegaEmbed === "function") return Promise.resolve(window.vegaEmbed);
    if (rb.vegaPromise) return rb.vegaPromise;
    rb.vegaPromise = new Promise(function (resolve, reject) {
      if (!rb.vegaUrl) {
        reject(new Error("cannot locate " + SCRIPT_PATH));
        return;
      }
      var script = document.createElement("script");
      script.src = rb.vegaUrl;
      script.async = true;
      script.setAttribute("data-retroblog-vega", "");
      script.onload = function () {
        if (typeof window.vegaEmbed === "function") resolve(window.vegaEmbed);
        else reject(new Error("vega.js did not define vegaEmbed"));
      };
      script.onerror = function () {
        reject(new Error("could not load " + rb.vegaUrl));
      };
      // Instant navigation diffs <head> and may drop this element later; once loaded (or loading),
      // that does not matter: the runtime stays on window and the promise stays cached.
      document.head.appendChild(script);
    });
    // A failed load may be retried on the next page (e.g. after going back online).
    rb.vegaPromise.catch(function () {
      rb.vegaPromise = null;
    });
    return rb.vegaPromise;
  }

  function finalizeDetached() {
    rb.views.forEach(function (result, figure) {
      if (figure.isConnected) return;
      rb.views.delete(figure);
      rb.finalized += 1;
      try {
        result.finalize();
      } catch (e) {
        /* a view that cannot finalize is gone anyway */
      }
    });
  }

  function enhance(figure, vegaEmbed) {
    var spec;
    try {
      spec = JSON.parse(figure.getAttribute("data-retroblog-spec") || "");
    } catch (e) {
      rb.failed += 1;
      figure.setAttribute("data-retroblog-ready", "false");
      warnOnce("invalid chart spec", e);
      return Promise.resolve();
    }
    // Options come from here only, never from the data or the spec's usermeta.
    if (spec && spec.usermeta && typeof spec.usermeta === "object") delete spec.usermeta.embedOptions;

    var target = document.createElement("div");
    target.className = "retroblog-view";
    var width = fitToContainer(spec);
    if (width) target.style.maxWidth = width + "px";
    var staticBox = figure.querySelector(".retroblog-static");
    if (staticBox) staticBox.insertAdjacentElement("afterend", target);
    else figure.insertBefore(target, figure.firstChild);

    return vegaEmbed(target, spec, {
      mode: "vega-lite",
      actions: false,
      renderer: "svg",
      tooltip: true, // vega-tooltip's default handler, with its default sanitize()
    }).then(
      function (result) {
        if (!figure.isConnected) {
          // Navigated away while rendering.
          result.finalize();
          return;
        }
        rb.views.set(figure, result);
        rb.embedded += 1;
        if (staticBox) staticBox.hidden = true;
        figure.setAttribute("data-retroblog-ready", "true");
      },
      function (error) {
        rb.failed += 1;
        if (target.parentNode) target.parentNode.removeChild(target);
        figure.setAttribute("data-retroblog-ready", "false");
        warnOnce("could not render an interactive chart", error);
      }
    );
  }

  /**
   * A chart of one view with a width in pixels is laid out at its container's width instead (never
   * wider than it was built: the container's max-width), and again when the window is resized, so its
   * text keeps its size in a phone's column rather than being scaled down. Returns the built width.
   */
  function fitToContainer(spec) {
    if (!spec || typeof spec.width !== "number") return null;
    if (spec.concat || spec.hconcat || spec.vconcat || spec.facet || spec.repeat) return null;
    var width = spec.width;
    spec.width = "container";
    var autosize = spec.autosize && typeof spec.autosize === "object" ? spec.autosize : {};
    spec.autosize = { type: "fit", contains: autosize.contains || "padding", resize: true };
    return width;
  }

  /**
   * Touch: a tap shows no tooltip by itself (Vega shows one on pointermove, which a tap does not
   * send), so a tap on a mark replays it as a pointermove there, and a tap anywhere else (or on the
   * same mark again) hides the tooltip with the mouseout Vega hides it on. A mouse hovers as before.
   */
  function onTap(event) {
    if (rb.pointerType !== "touch" && rb.pointerType !== "pen") return;
    var tapped = event.target;
    var previous = rb.tapped;
    rb.tapped = null;
    if (previous && previous.isConnected) {
      previous.dispatchEvent(new MouseEvent("mouseout", { bubbles: true, clientX: event.clientX, clientY: event.clientY }));
    }
    var item = tapped && tapped.__data__;
    var inView = tapped && tapped.closest && tapped.closest(".retroblog-view");
    if (!inView || !item || item.tooltip == null || tapped === previous) return;
    tapped.dispatchEvent(
      new PointerEvent("pointermove", {
        bubbles: true,
        clientX: event.clientX,
        clientY: event.clientY,
        pointerType: rb.pointerType,
      })
    );
    rb.tapped = tapped;
  }

  function listenForTaps() {
    if (rb.tapsHeard || !window.PointerEvent) return;
    rb.tapsHeard = true;
    document.addEventListener("pointerdown", function (event) {
      rb.pointerType = event.pointerType;
    }, true);
    document.addEventListener("click", onTap, true);
  }

  rb.scan = function () {
    finalizeDetached();
    var figures = Array.prototype.filter.call(document.querySelectorAll(SELECTOR), function (figure) {
      return !pending.has(figure) && !rb.views.has(figure) && !figure.hasAttribute("data-retroblog-ready");
    });
    if (!figures.length) return Promise.resolve();
    figures.forEach(function (figure) {
      pending.add(figure);
    });
    return loadVega().then(
      function (vegaEmbed) {
        return Promise.all(
          figures.map(function (figure) {
            return enhance(figure, vegaEmbed);
          })
        );
      },
      function (error) {
        figures.forEach(function (figure) {
          pending.delete(figure);
        });
        rb.failed += figures.length;
        warnOnce("could not load the chart runtime", error);
      }
    );
  };

  rb.whenReady = function (fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () {
        fn();
      }, { once: true });
    } else {
      fn();
    }
  };

  // mkdocs-material: document$ is a ReplaySubject(1) that emits on load and after every instant
  // navigation. Subscribe exactly once; the script may run before the theme's bundle defines it.
  rb.subscribe = function () {
    if (rb.subscriptions > 0) return true;
    var subject = window.document$;
    if (!subject || typeof subject.subscribe !== "function") return false;
    rb.subscriptions += 1;
    subject.subscribe(function () {
      rb.scan();
    });
    return true;
  };

  // Palette toggle: colours follow CSS, so nothing is re-rendered; only charts that were not yet
  // enhanced (e.g. inserted meanwhile) are picked up.
  function observePalette() {
    if (!window.MutationObserver || !document.body) return;
    var observer = new MutationObserver(function () {
      rb.schemeChanges += 1;
      rb.scan();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  rb.whenReady(function () {
    observePalette();
    listenForTaps();
    if (!rb.subscribe()) rb.scan();
  });
})();
