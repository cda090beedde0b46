/** A governance rule refused the request; the message is for the person, `field` names the form field. */
export class GovernanceError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "GovernanceError";
  }
}
