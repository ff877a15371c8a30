// Drag to move, drag the corner to resize, for the floorplan editor. It works in plan units (the SVG's own
// coordinates), snaps to the grid the page sets in data-snap, keeps shapes inside the plan, and reports each finished
// gesture once, so the server saves one change per move instead of one per pixel.
const MinimumSize = 5;

const clamp = (value, low, high) => Math.min(Math.max(value, low), Math.max(low, high));

function numbers(element, ...names) {
    return names.map(name => Number(element.getAttribute(name)));
}

function draw(parts, shape) {
    parts.body.setAttribute("x", shape.x);
    parts.body.setAttribute("y", shape.y);
    parts.body.setAttribute("width", shape.w);
    parts.body.setAttribute("height", shape.h);
    const size = Number(parts.handle.getAttribute("width"));
    parts.handle.setAttribute("x", shape.x + shape.w - size);
    parts.handle.setAttribute("y", shape.y + shape.h - size);
    if (parts.label) {
        const [dx, dy] = [Number(parts.label.dataset.dx), Number(parts.label.dataset.dy)];
        parts.label.setAttribute("x", shape.x + dx);
        parts.label.setAttribute("y", shape.y + dy);
    }
}

export function attach(svg, dotnet) {
    let gesture = null;

    const toPlan = event => new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    const snap = value => {
        const step = Number(svg.dataset.snap) || 0;
        return step > 0 ? Math.round(value / step) * step : Math.round(value * 10) / 10;
    };

    svg.addEventListener("pointerdown", event => {
        const shape = event.target.closest("[data-shape-id]");
        if (!shape || event.button !== 0) {
            return;
        }
        const parts = { body: shape.querySelector(".fpe-body"), handle: shape.querySelector(".fpe-handle"), label: shape.querySelector("text") };
        const [x, y, w, h] = numbers(parts.body, "x", "y", "width", "height");
        const start = toPlan(event);
        gesture = {
            id: shape.dataset.shapeId,
            parts,
            mode: event.target.classList.contains("fpe-handle") ? "resize" : "move",
            pointerId: event.pointerId,
            start,
            from: { x, y, w, h },
            to: null,
        };
        svg.setPointerCapture(event.pointerId);
        event.preventDefault();
    });

    svg.addEventListener("pointermove", event => {
        if (!gesture || event.pointerId !== gesture.pointerId) {
            return;
        }
        const point = toPlan(event);
        const [dx, dy] = [point.x - gesture.start.x, point.y - gesture.start.y];
        const [width, height] = [Number(svg.dataset.width), Number(svg.dataset.height)];
        const from = gesture.from;
        let to;
        if (gesture.mode === "move") {
            to = { x: clamp(snap(from.x + dx), 0, width - from.w), y: clamp(snap(from.y + dy), 0, height - from.h), w: from.w, h: from.h };
        } else {
            to = {
                x: from.x,
                y: from.y,
                w: clamp(snap(from.x + from.w + dx) - from.x, MinimumSize, width - from.x),
                h: clamp(snap(from.y + from.h + dy) - from.y, MinimumSize, height - from.y),
            };
        }
        gesture.to = to;
        draw(gesture.parts, to);
    });

    const finish = event => {
        if (!gesture || event.pointerId !== gesture.pointerId) {
            return;
        }
        const done = gesture;
        gesture = null;
        if (svg.hasPointerCapture(event.pointerId)) {
            svg.releasePointerCapture(event.pointerId);
        }
        const to = done.to;
        const changed = to && (to.x !== done.from.x || to.y !== done.from.y || to.w !== done.from.w || to.h !== done.from.h);
        if (event.type === "pointercancel" || !changed) {
            draw(done.parts, done.from);
            return;
        }
        dotnet.invokeMethodAsync("ShapeChanged", done.id, to.x, to.y, to.w, to.h);
    };

    svg.addEventListener("pointerup", finish);
    svg.addEventListener("pointercancel", finish);
}
