"""The portal's one form layer: WTForms with Indonesian messages, and the registry of step forms
(records a person fills in at a flow step, rendered into the step's document)."""
