// Starts Blazor with our own reconnection handler. The blazor.web.js we serve is the .NET 9 script (see
// docs/decisions/001-blazor-script-from-runtime-pack.md), so .NET 10's components-reconnect-modal and circuit
// pause/resume are deliberately not used here.
(() => {
    "use strict";

    const banner = () => document.getElementById("circuit-banner");

    function show(text) {
        const element = banner();
        if (element) {
            element.textContent = text;
            element.hidden = false;
        }
    }

    function hide() {
        const element = banner();
        if (element) {
            element.hidden = true;
            element.textContent = "";
        }
    }

    function reload(text) {
        show(text);
        location.reload();
    }

    // Quick first retries cover a server restart or a dropped socket; then back off to every 10 s and keep going
    // for about a day, so a laptop waking from sleep still gets its session back.
    const reconnectionOptions = {
        maxRetries: 8640,
        retryIntervalMilliseconds: attempt => attempt < 5 ? 1000 : Math.min(2000 * (attempt - 3), 10000),
    };

    // Wakes a pending wait early when the tab becomes visible again: background tabs get throttled timers, and a
    // user looking at the page should not wait out a long back-off.
    function delay(milliseconds) {
        return new Promise(resolve => {
            const done = () => {
                clearTimeout(timer);
                document.removeEventListener("visibilitychange", onVisible);
                resolve();
            };
            const onVisible = () => {
                if (document.visibilityState === "visible") {
                    done();
                }
            };
            const timer = setTimeout(done, milliseconds);
            document.addEventListener("visibilitychange", onVisible);
        });
    }

    let reconnecting = null;

    async function reconnectLoop(options, state) {
        for (let attempt = 0; attempt < options.maxRetries; attempt++) {
            show(`Connection lost. Reconnecting (attempt ${attempt + 1})…`);
            await delay(options.retryIntervalMilliseconds(attempt, options.maxRetries));
            if (state.cancelled) {
                return;
            }
            try {
                if (await Blazor.reconnect()) {
                    return;
                }
                // The server answered but no longer holds this circuit (restarted, or it timed out): the page's
                // state is gone, so a fresh page is the only way back.
                reload("Session expired. Reloading…");
                return;
            } catch {
                // Server still unreachable; keep trying.
            }
        }
        show("Could not reconnect. Please reload the page.");
    }

    const reconnectionHandler = {
        onConnectionDown(options) {
            if (reconnecting) {
                return;
            }
            const state = { cancelled: false };
            reconnecting = state;
            reconnectLoop(options, state).finally(() => {
                if (reconnecting === state) {
                    reconnecting = null;
                }
            });
        },
        onConnectionUp() {
            if (reconnecting) {
                reconnecting.cancelled = true;
                reconnecting = null;
            }
            hide();
        },
    };

    Blazor.start({
        circuit: {
            reconnectionOptions,
            reconnectionHandler,
        },
    });
})();
