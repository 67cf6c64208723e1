import { useCallback, useState } from "react";
import { pushSavedMessage } from "../logic/segmentPush.js";

// Turning a segment's push on or off: the one implementation behind the segment page's card and
// the Settings page's list. `onSave({push_tag})` is the API call (PATCH /api/segments/<id>) and
// answers {segment}; `onSaved(segment)` passes the saved segment up.
export function useSegmentPush({ onSave, onSaved }) {
  const [wanted, setWanted] = useState(null); // the value being saved, while a save runs
  const [failure, setFailure] = useState(null); // {wanted, message} after a failed save
  const [toast, setToast] = useState(null);
  const saving = wanted !== null;
  const dismissToast = useCallback(() => setToast(null), []);
  const dismissFailure = useCallback(() => setFailure(null), []);

  async function save(value) {
    setWanted(value);
    setFailure(null);
    try {
      const { segment: saved } = await onSave({ push_tag: value });
      onSaved(saved);
      setToast(pushSavedMessage(saved));
    } catch (error) {
      setFailure({ wanted: value, message: error.message });
    } finally {
      setWanted(null);
    }
  }

  return {
    saving,
    failure,
    toast,
    dismissToast,
    dismissFailure,
    // What the box shows: the value being saved while a save runs, else the segment's own.
    checked: (segment) => (saving ? wanted : segment.push_tag),
    // A change while a save runs is ignored, not queued (the box is not disabled, which would
    // drop the keyboard focus).
    change: (value) => {
      if (!saving) save(value);
    },
    retry: () => failure && save(failure.wanted),
  };
}
