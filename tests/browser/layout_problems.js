(() => {
  const problems = [];
  const root = document.documentElement;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`page ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
    const wide = [...document.querySelectorAll('body *')].filter(
      (el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !(el.parentElement && el.parentElement.closest('.table-responsive, .scroll-cue')) &&
        ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1));
    problems.push('too wide: ' + wide.slice(0, 3).map(describe).join(', '));
    problems.push('chain: ' + [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map((el) => describe(el) + ' ' + Math.round(el.getBoundingClientRect().width)).join(' > '));
  }
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.matches('.table-responsive, .scroll-cue')) {
      problems.push(`${describe(el)} scrolls sideways without a cue`);
    }
    if (el.matches('td, th') && el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') {
      problems.push(`${describe(el)} clips "${el.textContent.trim().slice(0, 30)}"`);
    }
  }
  return problems;
})
