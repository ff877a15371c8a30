// Calendar page helpers, imported as a module by CalendarPage.

// Browsers only fire "drop" where "dragover" was cancelled. Doing it here for elements marked dropzone keeps the many
// dragover events off the circuit, where @ondragover:preventDefault would need a handler on every slot and cell.
export function acceptDropZones() {
    if (window.bookingPortalDropZones) {
        return;
    }
    window.bookingPortalDropZones = true;
    document.addEventListener("dragover", event => {
        if (event.target instanceof Element && event.target.closest("[dropzone]")) {
            event.preventDefault();
            event.dataTransfer.dropEffect = "move";
        }
    });
}

// Scrolls the day timeline so the current time sits a third of the way into the visible hours (right of the sticky
// resource names), with the hour before it still in view.
export function scrollToNow(container) {
    const now = container && container.querySelector(".timeline-now");
    if (!now) {
        return;
    }
    const names = container.querySelector(".timeline-name");
    const namesWidth = names ? names.offsetWidth : 0;
    const offset = now.getBoundingClientRect().left - container.getBoundingClientRect().left + container.scrollLeft;
    container.scrollLeft = Math.max(0, offset - namesWidth - (container.clientWidth - namesWidth) / 3);
}
