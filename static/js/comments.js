// "Reply" moves the form under the comment being answered; "Cancel reply" puts it back.
// Without JavaScript the same links reload the page with ?replytocom=<id>.
(function () {
  "use strict";
  const respond = document.getElementById("respond");
  const form = document.getElementById("commentform");
  if (!respond || !form) return;
  const parentField = form.querySelector("input[name='parent']");
  const titleText = respond.querySelector(".reply-title-text");
  const cancel = document.getElementById("cancel-comment-reply-link");
  const placeholder = document.createElement("div");
  placeholder.id = "respond-placeholder";
  placeholder.hidden = true;
  respond.parentNode.insertBefore(placeholder, respond);

  // The comment's id and author come from its own markup (li#comment-<id>, .fn):
  // a long thread carries no copy of them on every link.
  function replyTo(link, focus) {
    const comment = link.closest("li.comment");
    if (!comment || !parentField) return;
    const author = comment.querySelector(".fn");
    comment.querySelector(".comment-body").after(respond);
    parentField.value = comment.id.replace("comment-", "");
    titleText.textContent = (titleText.dataset.replyTemplate || "Reply to %s").replace(
      "%s",
      author ? author.textContent.trim() : ""
    );
    cancel.hidden = false;
    const textarea = form.querySelector("textarea");
    if (textarea && focus !== false) textarea.focus();
  }

  function cancelReply(event) {
    event.preventDefault();
    placeholder.after(respond);
    if (parentField) parentField.value = "";
    titleText.textContent = titleText.dataset.default;
    cancel.hidden = true;
  }

  // Back from logging in mid-reply, the form's reply target is kept: put the form
  // back under that comment.
  if (parentField && /^[0-9]+$/.test(parentField.value)) {
    const comment = document.getElementById("comment-" + parentField.value);
    const link = comment && comment.querySelector(".comment-reply-link");
    if (link) {
      replyTo(link, false);
      if (window.location.hash === "#respond") respond.scrollIntoView();
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      replyTo(link);
    }
  });
  if (cancel) cancel.addEventListener("click", cancelReply);
})();

// Leaving for a network's log-in takes a moment: say where the reader is going.
(function () {
  "use strict";
  const status = document.querySelector(".connecting-status");
  if (!status) return;
  document.querySelectorAll(".identity-connect").forEach(function (button) {
    button.addEventListener("click", function () {
      status.textContent = button.dataset.connecting + "\u2026";
      status.hidden = false;
    });
  });
  // Back from the network with the Back button: the page comes from the
  // browser's cache, still saying "Connecting to …".
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) status.hidden = true;
  });
})();
