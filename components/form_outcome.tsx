/**
 * What the last post of a form page did: a notice when it worked (shown
 * once, from the redirect's query), or the refusal with its reason.
 */
export function FormOutcome(
  props: { notice?: string; error?: { message: string; reason: string } },
) {
  return (
    <>
      {props.notice && <p class="notice" role="status">{props.notice}</p>}
      {props.error && (
        <p class="form-error" role="alert" data-reason={props.error.reason}>
          {props.error.message}
        </p>
      )}
    </>
  );
}
