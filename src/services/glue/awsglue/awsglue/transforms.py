"""awsglue.transforms: the transform classes scripts call as Transform.apply(frame=..., ...)."""

__all__ = ["ApplyMapping", "DropFields", "DropNullFields", "Filter", "GlueTransform", "Map",
           "RenameField", "ResolveChoice", "SelectFields"]


class GlueTransform:
    @classmethod
    def apply(cls, *args, **kwargs):
        return cls()(*args, **kwargs)


class Filter(GlueTransform):
    def __call__(self, frame, f, transformation_ctx="", **kwargs):
        return frame.filter(f)


class Map(GlueTransform):
    def __call__(self, frame, f, transformation_ctx="", **kwargs):
        return frame.map(f)


class ApplyMapping(GlueTransform):
    def __call__(self, frame, mappings, transformation_ctx="", **kwargs):
        return frame.apply_mapping(mappings)


class SelectFields(GlueTransform):
    def __call__(self, frame, paths, transformation_ctx="", **kwargs):
        return frame.select_fields(paths)


class DropFields(GlueTransform):
    def __call__(self, frame, paths, transformation_ctx="", **kwargs):
        return frame.drop_fields(paths)


class RenameField(GlueTransform):
    def __call__(self, frame, old_name, new_name, transformation_ctx="", **kwargs):
        return frame.rename_field(old_name, new_name)


class DropNullFields(GlueTransform):
    def __call__(self, frame, transformation_ctx="", **kwargs):
        return frame.drop_null_fields()


class ResolveChoice(GlueTransform):
    """Values here carry one type each, so there is no choice to resolve."""

    def __call__(self, frame, specs=None, choice="", transformation_ctx="", **kwargs):
        return frame
