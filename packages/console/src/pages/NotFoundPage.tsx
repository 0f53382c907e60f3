/** Any other path under `/console`. */
export function NotFoundPage() {
  return (
    <div class="page">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is nothing at this address. Go to the <a href="/console/inbox">inbox</a>.
      </p>
    </div>
  );
}
