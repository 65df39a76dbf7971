"""Migration operations of our own, for schema changes Django's built-ins make slowly."""

from django.db.migrations.operations.base import Operation


class AddFieldToModels(Operation):
    """Add one field to many models of an app: the schema change of one AddField per model.

    Each AddField re-renders its model and every model related to it, and register models are
    all related (to people, to users, through history), so a field added to every register one
    AddField at a time costs seconds per model when a new database is migrated. This operation
    changes the state of all the models and re-renders them once.
    """

    reversible = True

    def __init__(self, model_names: list[str], name: str, field):
        self.model_names = list(model_names)
        self.name = name
        self.field = field

    def deconstruct(self):
        kwargs = {"model_names": self.model_names, "name": self.name, "field": self.field}
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        for model_name in self.model_names:
            state.models[app_label, model_name].fields[self.name] = self.field
        state.reload_models([(app_label, name) for name in self.model_names], delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for model_name in self.model_names:
            to_model = to_state.apps.get_model(app_label, model_name)
            if self.allow_migrate_model(schema_editor.connection.alias, to_model):
                from_model = from_state.apps.get_model(app_label, model_name)
                schema_editor.add_field(from_model, to_model._meta.get_field(self.name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for model_name in self.model_names:
            from_model = from_state.apps.get_model(app_label, model_name)
            if self.allow_migrate_model(schema_editor.connection.alias, from_model):
                schema_editor.remove_field(from_model, from_model._meta.get_field(self.name))

    def describe(self):
        return f"Add field {self.name} to {len(self.model_names)} models"

    @property
    def migration_name_fragment(self):
        return f"add_{self.name}"
