import { byId } from './dom';

/** A confirmed action: the reason typed when one was asked for (empty otherwise). */
export interface Confirmed {
  reason: string;
}

/** The page's confirmation dialog (#confirm): one question at a time. */
export class ConfirmDialog {
  private readonly dialog = byId('confirm', HTMLDialogElement);
  private readonly title = byId('confirm-title', HTMLElement);
  private readonly text = byId('confirm-text', HTMLElement);
  private readonly ok = byId('confirm-ok', HTMLButtonElement);
  private readonly reasonField = byId('reason-field', HTMLElement);
  private readonly reason = byId('reason', HTMLTextAreaElement);
  private settle: ((answer: Confirmed | null) => void) | null = null;

  constructor() {
    byId('confirm-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      const reason = this.reason.value.trim();
      if (this.reason.required && !reason) {
        this.reason.setCustomValidity('A reason is required.');
        this.reason.reportValidity();
        return;
      }
      this.answer({ reason });
    });
    this.reason.addEventListener('input', () => this.reason.setCustomValidity(''));
    byId('confirm-cancel', HTMLButtonElement).addEventListener('click', () => this.answer(null));
    // Escape closes the dialog without our buttons: that is a cancel too.
    this.dialog.addEventListener('close', () => this.answer(null));
  }

  /** Asks; resolves when answered: with the reason when confirmed, null when cancelled. */
  ask(title: string, text: string, action: string, askReason: boolean): Promise<Confirmed | null> {
    this.title.textContent = title;
    this.text.textContent = text;
    this.ok.textContent = action;
    this.ok.className = askReason ? 'danger' : 'primary';
    this.reasonField.hidden = !askReason;
    this.reason.required = askReason;
    this.reason.value = '';
    this.dialog.showModal();
    (askReason ? this.reason : this.ok).focus();
    return new Promise((resolve) => (this.settle = resolve));
  }

  private answer(value: Confirmed | null): void {
    const resolve = this.settle;
    this.settle = null;
    if (this.dialog.open) this.dialog.close();
    if (resolve) resolve(value);
  }
}
