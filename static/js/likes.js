// Like without a page reload: the form still works without JavaScript.
(function () {
  "use strict";
  document.addEventListener("submit", async function (event) {
    const form = event.target.closest(".like-form");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      // getAttribute: the form has an input named "action", which shadows form.action.
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (data.login_url) {
        window.location.assign(data.login_url);
        return;
      }
      const block = document.getElementById("likes");
      const holder = document.createElement("div");
      holder.innerHTML = data.html;
      const fresh = holder.querySelector("#likes");
      // The fragment has no CSRF value of its own: keep the page's.
      const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      fresh.querySelector("input[name=csrfmiddlewaretoken]").value = token;
      block.replaceWith(fresh);
      fresh.querySelector(".like-button").focus();
    } catch (error) {
      form.submit();
    } finally {
      button.disabled = false;
    }
  });
})();
