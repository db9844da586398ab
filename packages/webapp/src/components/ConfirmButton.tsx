// A button that asks before doing something that cannot be undone (reset, delete).
import { useState, type ReactNode } from 'react';

export function ConfirmButton({ label, question, confirmLabel, onConfirm, danger, disabled }: { label: string; question: ReactNode; confirmLabel: string; onConfirm: () => void; danger?: boolean; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" className={danger ? 'danger' : 'secondary'} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
      {asking && (
        <div className="modal-backdrop">
          <div className="modal" role="dialog" aria-modal="true" aria-label={label}>
            <div className="modal-body">{question}</div>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button
                type="button"
                className={danger ? 'danger' : 'primary'}
                onClick={() => {
                  setAsking(false);
                  onConfirm();
                }}
              >
                {confirmLabel}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
