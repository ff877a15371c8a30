// Starts Blazor with our own reconnection handler and banner, which wall displays rely on (they reconnect for ever and
// reload when the server no longer knows their circuit). The SDK's .NET 10 script is served now (ADR 001); moving to
// its reconnect modal and circuit pause/resume is part of the MudBlazor switch.
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

    // Wall displays (an element with data-kiosk) run unattended: they never give up reconnecting, and reload by
    // themselves when their circuit is gone or has failed.
    const isKiosk = () => document.querySelector("[data-kiosk]") !== null;

    let reloading = false;

    // Reloading while the server is down would leave the browser on its own error page, where no script runs and
    // nobody comes to press F5; so wait until the app answers its liveness probe.
    async function whenServerAnswers() {
        const probe = new URL("health/live", document.baseURI);
        for (let attempt = 0; ; attempt++) {
            try {
                const response = await fetch(probe, { cache: "no-store", credentials: "same-origin" });
                if (response.ok) {
                    return;
                }
            } catch {
                // Not reachable yet.
            }
            await delay(Math.min(1000 * (attempt + 1), 10000));
        }
    }

    async function reload(text) {
        if (reloading) {
            return;
        }
        reloading = true;
        show(text);
        await whenServerAnswers();
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
        for (let attempt = 0; attempt < options.maxRetries || isKiosk(); attempt++) {
            show(`Connection lost. Reconnecting (attempt ${attempt + 1})…`);
            await delay(options.retryIntervalMilliseconds(Math.min(attempt, options.maxRetries - 1), options.maxRetries));
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

    // blazor.web.js reveals #blazor-error-ui when the circuit fails for good (an unhandled error on the server).
    function reloadKioskOnCircuitFailure() {
        const errorUi = document.getElementById("blazor-error-ui");
        if (!errorUi) {
            return;
        }
        new MutationObserver(() => {
            if (isKiosk() && getComputedStyle(errorUi).display !== "none") {
                delay(5000).then(() => reload("The display stopped. Reloading…"));
            }
        }).observe(errorUi, { attributes: true, attributeFilter: ["style", "class"] });
    }

    reloadKioskOnCircuitFailure();

    Blazor.start({
        circuit: {
            reconnectionOptions,
            reconnectionHandler,
        },
    }).catch(() => {
        // The circuit could not start, e.g. the server restarted between serving the page and the WebSocket.
        if (isKiosk()) {
            delay(2000).then(() => reload("Starting the display again…"));
        }
    });
})();
