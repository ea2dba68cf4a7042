// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Copy buttons for the API snippets: added by script, so people without JavaScript never see a dead button.
for (const block of document.querySelectorAll("[data-copy-snippet]")) {
  const pre = block.querySelector("pre");
  if (!pre || !navigator.clipboard) continue;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary app-copy-button";
  button.textContent = "Copy " + (block.dataset.copySnippet || "code");
  const status = document.createElement("span");
  status.className = "govuk-visually-hidden";
  status.setAttribute("aria-live", "polite");
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(pre.textContent);
    button.textContent = "Copied";
    status.textContent = "Copied to the clipboard";
  });
  block.insertBefore(button, pre);
  block.appendChild(status);
}
