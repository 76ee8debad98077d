// The search boxes' typeahead: names from /search/suggest fill the box's datalist as one types.
// Without this script the boxes are plain search forms.
for (const box of document.querySelectorAll("input[data-suggest]")) {
  const list = document.getElementById(box.getAttribute("list"));
  let asked = "";
  box.addEventListener("input", async () => {
    const typed = box.value.trim();
    if (typed.length < 2 || typed === asked || !list) return;
    asked = typed;
    const answer = await fetch(`/search/suggest?q=${encodeURIComponent(typed)}`);
    if (!answer.ok || typed !== box.value.trim()) return;
    const [, names, kinds] = await answer.json();
    list.replaceChildren(...names.map((name, i) => {
      const option = document.createElement("option");
      option.value = name;
      option.label = kinds[i];
      return option;
    }));
  });
}
