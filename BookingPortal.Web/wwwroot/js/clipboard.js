// Copies a subscription address for the person to paste into their calendar app; imported as a module, so the page
// keeps no inline script (the Content-Security-Policy forbids it).
export async function copy(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        // Without a secure context or permission the address stays selectable in its field.
        return false;
    }
}
