"""The pages take GET, HEAD and POST only (naas.middleware.WebMethodsOnlyMiddleware); the API's
views name their own methods (DRF answers 405 for any other), so /api/ is let through."""

from naas.middleware import WebMethodsOnlyMiddleware

API_PREFIX = "/api/"


class WebMethodsOutsideApiMiddleware(WebMethodsOnlyMiddleware):
    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)
