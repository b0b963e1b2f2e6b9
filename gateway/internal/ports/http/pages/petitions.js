// The public forms (an opinion, a rating): fetch a proof-of-work challenge, find its number,
// post the form as JSON and show the answer (an opinion's tracking code). No third-party code: SHA-256 is the small
// implementation below, since crypto.subtle exists only on HTTPS pages.
(function () {
  "use strict";
  var form = document.getElementById("petition-form");
  if (!form) { return; }
  var statusEl = document.getElementById("petition-status");
  var base = "/api/v1/public/towns/" + form.dataset.town + "/communities/" + form.dataset.community;

  function say(text) { statusEl.textContent = text; }

  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  // sha256hex hashes an ASCII string (the salt and the number are ASCII).
  function sha256hex(msg) {
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var bytes = [], i, j;
    for (i = 0; i < msg.length; i++) { bytes.push(msg.charCodeAt(i) & 0xff); }
    var bitLen = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) { bytes.push(0); }
    for (i = 7; i >= 0; i--) { bytes.push(i >= 4 ? 0 : (bitLen >>> (i * 8)) & 0xff); }
    var w = new Array(64);
    for (i = 0; i < bytes.length; i += 64) {
      for (j = 0; j < 16; j++) {
        w[j] = (bytes[i + 4 * j] << 24) | (bytes[i + 4 * j + 1] << 16) | (bytes[i + 4 * j + 2] << 8) | bytes[i + 4 * j + 3];
      }
      for (j = 16; j < 64; j++) {
        var a0 = w[j - 15], a1 = w[j - 2];
        var s0 = ((a0 >>> 7) | (a0 << 25)) ^ ((a0 >>> 18) | (a0 << 14)) ^ (a0 >>> 3);
        var s1 = ((a1 >>> 17) | (a1 << 15)) ^ ((a1 >>> 19) | (a1 << 13)) ^ (a1 >>> 10);
        w[j] = (w[j - 16] + s0 + w[j - 7] + s1) | 0;
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (j = 0; j < 64; j++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[j] + w[j]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
      H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
    }
    var out = "";
    for (i = 0; i < 8; i++) { out += ("00000000" + (H[i] >>> 0).toString(16)).slice(-8); }
    return out;
  }

  function solve(ch) {
    for (var n = 0; n <= ch.maxnumber; n++) {
      if (sha256hex(ch.salt + n) === ch.challenge) {
        return { algorithm: ch.algorithm, challenge: ch.challenge, number: n, salt: ch.salt, signature: ch.signature };
      }
    }
    return null;
  }

  function problemText(res, body) {
    if (body && body.detail) { return body.detail; }
    if (res.status === 429) { return "您提交得太频繁了，请稍后再试。"; }
    return "提交没有成功，请稍后再试。";
  }

  // body builds what the form sends; a rating also carries the device's own random id, which
  // limits it to one rating per cadre and month.
  function body(solution) {
    if (form.dataset.kind === "rating") {
      var picked = form.querySelector("input[name=cadre]:checked");
      var score = form.querySelector("input[name=score]:checked");
      return {
        cadre: picked ? picked.value : "", score: score ? Number(score.value) : 0,
        comment: form.comment.value, device: deviceId(), phone: form.phone.value,
        website: form.website.value, altcha: solution
      };
    }
    return {
      kind: form.kind.value, category: form.category.value, text: form.text.value,
      phone: form.phone.value, website: form.website.value, altcha: solution
    };
  }

  function deviceId() {
    var key = "dundian.device";
    try {
      var id = window.localStorage.getItem(key);
      if (!id) {
        var b = new Uint8Array(16);
        window.crypto.getRandomValues(b);
        id = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
        window.localStorage.setItem(key, id);
      }
      return id;
    } catch (e) {
      return "";
    }
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    say("正在进行安全校验，请稍候……");
    fetch(base + "/challenge", { headers: { "Accept": "application/json", "Accept-Language": "zh-CN" } })
      .then(function (res) {
        if (!res.ok) { throw new Error("challenge"); }
        return res.json();
      })
      .then(function (ch) {
        var solution = solve(ch);
        if (!solution) { throw new Error("unsolved"); }
        say("正在提交……");
        return fetch(base + "/" + form.dataset.endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Accept-Language": "zh-CN" },
          body: JSON.stringify(body(solution))
        });
      })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (answer) {
          if (!res.ok) {
            var e = new Error(problemText(res, answer));
            e.shown = true;
            throw e;
          }
          form.hidden = true;
          var code = document.getElementById("petition-code");
          if (code) {
            code.textContent = answer.trackingCode;
            var link = document.getElementById("petition-track");
            link.href = link.getAttribute("href") + "?code=" + encodeURIComponent(answer.trackingCode);
          }
          document.getElementById("petition-done").hidden = false;
        });
      })
      .catch(function (err) {
        say(err && err.shown ? err.message : "提交没有成功，请检查网络后重试。");
        button.disabled = false;
      });
  });
}());
