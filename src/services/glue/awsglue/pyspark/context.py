"""pyspark.context.SparkContext: holds an application name; there is no cluster behind it."""


class SparkContext:
    _active = None

    def __init__(self, master=None, appName=None, *args, **kwargs):
        self.master = master or "local"
        self.appName = appName or "nimbus-glue"
        self.version = "3.3.0"
        SparkContext._active = self

    @classmethod
    def getOrCreate(cls, conf=None):
        return cls._active or cls()

    def setLogLevel(self, level):
        pass

    def stop(self):
        SparkContext._active = None
