import { useRouter, withQuery } from "../router.jsx";

// Polaris renders every `url` through this: app paths move in-page, others open normally.
export function RouterLink({ children, url = "", external, onClick: onClickProp, ...rest }) {
  const { navigate } = useRouter();
  const internal = url.startsWith("/") && !url.startsWith("//") && !external;
  if (!internal) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer" onClick={onClickProp} {...rest}>
        {children}
      </a>
    );
  }
  const onClick = (event) => {
    onClickProp?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(url);
  };
  return (
    <a href={url.includes("?") ? url : withQuery(url)} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
