// Makes the conversation page live: new messages, typing and sending over
// /ws/messages/. Without a socket the page is the plain form it always was.
(function () {
  "use strict";
  var root = document.querySelector(".conversation[data-thread]");
  if (!root || !("WebSocket" in window)) return;

  var threadId = Number(root.dataset.thread);
  var lastId = Number(root.dataset.lastId) || 0;
  var list = root.querySelector(".conversation__messages");
  var typing = root.querySelector(".conversation__typing");
  var form = root.querySelector(".conversation__form");
  var textarea = form.querySelector("textarea");
  var fileInput = form.querySelector("input[type=file]");
  var socket = null;
  var retry = 0;
  var typingTimer = null;
  var lastTypingSent = 0;
  var pending = ""; // sent over the socket, given back if the server refuses it

  function showError(text) {
    var box = root.querySelector(".conversation__live-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "errorlist conversation__live-error";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = text;
  }

  function append(message) {
    // Ids only grow: anything at or below lastId is already on the page (the
    // resync and the live event may both bring the same message).
    if (message.id <= lastId) return;
    lastId = message.id;
    root.dataset.lastId = String(lastId);
    var empty = list.querySelector(".conversation__empty");
    if (empty) empty.remove();
    var item = document.createElement("li");
    item.className = "bubble" + (message.mine ? " bubble--mine" : "") +
      (message.automatic ? " bubble--auto" : "");
    item.dataset.id = String(message.id);
    if (message.attachment) item.append(image(message));
    if (message.automatic) {
      // The same label the server renders for an away auto-reply.
      var auto = document.createElement("p");
      auto.className = "bubble__auto";
      auto.textContent = "Automatic reply";
      item.append(auto);
    }
    if (message.body) {
      var body = document.createElement("p");
      body.className = "bubble__body";
      // textContent, never innerHTML: the text is whatever the other side typed.
      // CSS keeps the newlines (white-space: pre-line).
      body.textContent = message.body;
      item.append(body);
    }
    var when = document.createElement("time");
    when.className = "bubble__when";
    when.dateTime = message.created_at;
    when.textContent = new Date(message.created_at).toLocaleString([], {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
    item.append(when);
    if (!message.mine) item.append(" ", reportLink(message));
    list.append(item);
    item.scrollIntoView({ block: "nearest" });
    if (!message.mine) {
      typing.hidden = true;
      send({ type: "read", thread: threadId, up_to: message.id });
    }
  }

  // The same "Report" link the page renders beside messages from the other side.
  function reportLink(message) {
    var link = document.createElement("a");
    link.className = "report-link bubble__report";
    link.href = "/messages/" + threadId + "/report/" + message.id + "/";
    link.setAttribute("aria-label", "Report this message");
    link.textContent = "Report";
    return link;
  }

  // The protected attachment URL from the API: only participants can load it.
  function image(message) {
    var link = document.createElement("a");
    link.className = "bubble__image";
    link.href = message.attachment.url;
    var img = document.createElement("img");
    img.src = message.attachment.url;
    img.width = message.attachment.width;
    img.height = message.attachment.height;
    img.alt = message.mine ? "Image you sent" : "Image received";
    img.loading = "lazy";
    link.append(img);
    return link;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // Messages are stored before they are pushed, so whatever arrived while the
  // socket was down is in the API after lastId.
  function resync() {
    var url = root.dataset.resyncUrl + "?limit=100&after=" + lastId;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (messages) {
        messages.forEach(function (m) {
          append({
            id: m.id, mine: m.mine, body: m.body, created_at: m.created_at,
            attachment: m.attachment
          });
        });
        if (messages.length === 100) resync();
      })
      .catch(function () { /* the next reconnect tries again */ });
  }

  // The header's unread badges, kept current by the socket's notification frames.
  function setBadge(name, count) {
    var link = document.querySelector('[data-badge="' + name + '"]');
    if (!link) return;
    var badge = link.querySelector(".count-badge");
    if (!count) { if (badge) badge.remove(); return; }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "count-badge";
      link.append(" ", badge);
    }
    badge.textContent = String(count);
    badge.setAttribute("aria-label", count + " unread");
  }

  function onEvent(event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (data.type === "notification" && data.unread) {
      setBadge("messages", data.unread.message);
      setBadge("others", data.unread.total - data.unread.message);
      return;
    }
    if (data.type === "error") {
      showError(data.message || "The message could not be sent.");
      if (pending && !textarea.value) textarea.value = pending;
      pending = "";
      return;
    }
    if (data.thread !== threadId) return;
    if (data.type === "thread") {
      // Wiped or blocked by the other side: show the conversation as it is now.
      location.reload();
      return;
    }
    if (data.type === "message") {
      if (data.mine) pending = "";
      append(data);
    }
    if (data.type === "typing") {
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, 4000);
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/messages/");
    socket.addEventListener("open", function () {
      retry = 0;
      root.dataset.live = "true";
      resync();
    });
    socket.addEventListener("message", onEvent);
    socket.addEventListener("close", function (event) {
      root.dataset.live = "false";
      socket = null;
      if (event.code === 4401) return; // signed out: the plain form still works
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 1000 * retry * retry);
    });
  }

  form.addEventListener("submit", function (event) {
    var body = textarea.value;
    // Images go with the plain multipart form; an empty body lets the browser
    // and the server say why.
    if (!body.trim() || (fileInput && fileInput.files.length)) return;
    if (send({ type: "send", thread: threadId, body: body })) {
      event.preventDefault();
      pending = body;
      textarea.value = "";
      var box = root.querySelector(".conversation__live-error");
      if (box) box.remove();
    }
  });

  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTypingSent > 3000) {
      lastTypingSent = now;
      send({ type: "typing", thread: threadId });
    }
  });

  connect();
})();
