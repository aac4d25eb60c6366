// The drawing pad of samples/Browser. Strokes are drawn here (pointer events, so mouse, pen and touch alike); when the
// app asks, bitmap() turns the ink into the first step of the UCI digits' preprocessing: the strokes' bounding box
// scaled, aspect kept, to fit a 32x32 bitmap, centred, each bitmap pixel on when at least half of the canvas pixels
// under it are ink. The app (DigitImage.Downsample) then counts the ink in each 4x4 block: 8x8 values 0..16.
window.digitPad = (() => {
  const BITMAP = 32;

  function context(canvas) {
    return canvas.getContext('2d', { willReadFrequently: true });
  }

  function attach(canvas) {
    const ctx = context(canvas);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    ctx.fillStyle = '#000';
    ctx.lineWidth = canvas.width / 13;
    let last = null;
    const at = (event) => {
      const box = canvas.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) * canvas.width) / box.width,
        y: ((event.clientY - box.top) * canvas.height) / box.height,
      };
    };
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      last = at(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      event.preventDefault();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (last === null) {
        return;
      }
      const next = at(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(next.x, next.y);
      ctx.stroke();
      last = next;
    });
    const end = () => {
      last = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  function clear(canvas) {
    context(canvas).clearRect(0, 0, canvas.width, canvas.height);
  }

  // 32 x 32 row-major 0/1 values, or null when nothing is drawn.
  function bitmap(canvas) {
    const { width, height } = canvas;
    const alpha = context(canvas).getImageData(0, 0, width, height).data;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (alpha[4 * (y * width + x) + 3] >= 128) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX < 0) {
      return null;
    }

    // Canvas pixels per bitmap pixel, the same along both axes; the box's shorter side is centred.
    const side = Math.max(maxX - minX + 1, maxY - minY + 1) / BITMAP;
    const originX = (minX + maxX + 1) / 2 - (side * BITMAP) / 2;
    const originY = (minY + maxY + 1) / 2 - (side * BITMAP) / 2;
    const bits = new Array(BITMAP * BITMAP).fill(0);
    for (let by = 0; by < BITMAP; by++) {
      for (let bx = 0; bx < BITMAP; bx++) {
        // The canvas pixels whose centres fall in this bitmap pixel (at least the one under its centre).
        let x0 = Math.ceil(originX + bx * side - 0.5);
        let x1 = Math.ceil(originX + (bx + 1) * side - 0.5);
        let y0 = Math.ceil(originY + by * side - 0.5);
        let y1 = Math.ceil(originY + (by + 1) * side - 0.5);
        if (x1 <= x0) {
          x0 = Math.floor(originX + (bx + 0.5) * side);
          x1 = x0 + 1;
        }
        if (y1 <= y0) {
          y0 = Math.floor(originY + (by + 0.5) * side);
          y1 = y0 + 1;
        }
        let ink = 0;
        let total = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            total++;
            if (x >= 0 && x < width && y >= 0 && y < height && alpha[4 * (y * width + x) + 3] >= 128) {
              ink++;
            }
          }
        }
        bits[by * BITMAP + bx] = 2 * ink >= total ? 1 : 0;
      }
    }
    return bits;
  }

  return { attach, clear, bitmap };
})();
