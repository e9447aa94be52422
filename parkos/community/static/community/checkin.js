// Progressive enhancement: browsers with a BarcodeDetector (Chrome on Android) scan in the page.
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = document.getElementById("scan"), video = document.getElementById("scan-video");
  button.hidden = false;
  button.addEventListener("click", async function () {
    var stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    video.srcObject = stream; video.hidden = false; await video.play();
    var detector = new BarcodeDetector({formats: ["qr_code"]});
    var tick = async function () {
      var codes = await detector.detect(video);
      if (codes.length) { stream.getTracks().forEach(function (t) { t.stop(); }); window.location.href = codes[0].rawValue; return; }
      requestAnimationFrame(tick);
    };
    tick();
  });
})();
