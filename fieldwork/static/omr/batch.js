/* Scan batch page: poll the batch's progress until it is done, then reload. */
(function () {
  var box = document.getElementById('progress');
  if (!box || box.dataset.status === 'done' || box.dataset.status === 'failed') return;
  var timer = setInterval(function () {
    fetch(box.dataset.url, {headers: {'Accept': 'application/json'}}).then(function (r) { return r.json(); }).then(function (d) {
      ['files_done', 'pages', 'read', 'duplicate', 'rejected', 'pending'].forEach(function (k) {
        document.getElementById(k).textContent = d[k].toLocaleString(document.documentElement.lang); });
      document.getElementById('status').textContent = d.label;
      document.getElementById('bar').style.width = (d.files ? 100 * d.files_done / d.files : 0) + '%';
      if (d.status === 'done' || d.status === 'failed') { clearInterval(timer); location.reload(); }
    }).catch(function () {});
  }, 1500);
})();
