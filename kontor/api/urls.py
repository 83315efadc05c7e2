from ninja import NinjaAPI

api = NinjaAPI(title="Kontor API", version="1", urls_namespace="api")
