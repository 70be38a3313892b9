// The drawing pad: black strokes on white paper, drawn with a mouse, pen or finger.
// At the end of each stroke it sends the whole page, one PNG data URL, with the "stroke"
// event: one small request per stroke, no uploads. A picture put on the pad from Python (an
// example sketch) becomes the paper under the strokes, and sends nothing.
const side = props.side;
const canvas = element.querySelector("canvas");
canvas.width = side;
canvas.height = side;
const ctx = canvas.getContext("2d");
const strokes = []; // {erase, width, points: [[x, y], ...]}, oldest first
let paper = null; // the picture under the strokes (an Image), or null for white paper
let current = null;
let erasing = false;
let sent = null; // the last value this pad sent, so that its echo is not drawn again

function line(s, from) {
  ctx.strokeStyle = s.erase ? "#ffffff" : "#000000";
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = s.width;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  const p = s.points;
  if (p.length === 1) {
    ctx.beginPath();
    ctx.arc(p[0][0], p[0][1], s.width / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(p[from][0], p[from][1]);
  for (let i = from + 1; i < p.length; i++) ctx.lineTo(p[i][0], p[i][1]);
  ctx.stroke();
}

function repaint() {
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, side, side);
  if (paper) {
    // fitted into the square page, centred, as the model frames the ink anyway
    const scale = Math.min(side / paper.naturalWidth, side / paper.naturalHeight);
    const w = paper.naturalWidth * scale;
    const h = paper.naturalHeight * scale;
    ctx.drawImage(paper, (side - w) / 2, (side - h) / 2, w, h);
  }
  for (const s of strokes) line(s, 0);
}

function send() {
  sent = strokes.length || paper ? canvas.toDataURL("image/png") : null;
  props.value = sent;
  trigger("stroke");
}

function at(event) {
  const box = canvas.getBoundingClientRect();
  return [
    ((event.clientX - box.left) * side) / box.width,
    ((event.clientY - box.top) * side) / box.height,
  ];
}

canvas.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  current = {
    erase: erasing,
    width: erasing ? props.eraser_size : props.brush_size,
    points: [at(event)],
  };
  strokes.push(current);
  line(current, 0);
});
canvas.addEventListener("pointermove", (event) => {
  if (!current) return;
  current.points.push(at(event));
  line(current, current.points.length - 2);
});
function end() {
  if (!current) return;
  current = null;
  send();
}
canvas.addEventListener("pointerup", end);
canvas.addEventListener("pointercancel", end);

function tool(name, action) {
  element.querySelector(`[data-tool="${name}"]`).addEventListener("click", action);
}
function choose(erase) {
  erasing = erase;
  element.querySelector('[data-tool="brush"]').classList.toggle("chosen", !erase);
  element.querySelector('[data-tool="eraser"]').classList.toggle("chosen", erase);
}
tool("brush", () => choose(false));
tool("eraser", () => choose(true));
tool("undo", () => {
  if (!strokes.length) return;
  strokes.pop();
  repaint();
  send();
});
tool("clear", () => {
  strokes.length = 0;
  paper = null;
  repaint();
  send();
});

watch("value", () => {
  const value = props.value;
  if (value === sent) return;
  strokes.length = 0;
  sent = value;
  if (!value) {
    paper = null;
    repaint();
    return;
  }
  const image = new Image();
  image.onload = () => {
    paper = image;
    repaint();
  };
  image.src = value;
});

choose(false);
repaint();
